//! Settings of what the server tells its operators: where Prometheus scrapes metrics
//! (`GGH_METRICS_BIND`, off unless set) and how log lines are written (`GGH_LOG_FORMAT`).

use std::net::SocketAddr;

use super::Environment;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event (the development default).
    Text,
    /// One JSON object per line, for a log collector (the production default).
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservabilitySettings {
    /// Where `/metrics` is served (`GGH_METRICS_BIND`); `None`: no metrics listener. A separate
    /// listener, because the metrics name routes, limits and volumes that are nobody's business
    /// outside: it belongs on loopback or a private network, never the public port.
    pub metrics_bind: Option<SocketAddr>,
    pub log_format: LogFormat,
}

impl ObservabilitySettings {
    pub(super) fn from_env(
        var: &impl Fn(&str) -> Option<String>,
        environment: Environment,
        problems: &mut Vec<String>,
    ) -> ObservabilitySettings {
        let metrics_bind =
            var("GGH_METRICS_BIND").and_then(|raw| match raw.parse::<SocketAddr>() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    problems.push(format!(
                        "GGH_METRICS_BIND is `{raw}`; use an IP address and port on loopback or a \
                     private network, like 127.0.0.1:9100"
                    ));
                    None
                }
            });
        if let (Some(metrics), Some(public)) = (metrics_bind, var("GGH_BIND"))
            && metrics.port() != 0
            && public.parse::<SocketAddr>().ok() == Some(metrics)
        {
            problems.push(format!(
                "GGH_METRICS_BIND ({metrics}) must not be the public GGH_BIND: serve metrics on \
                 loopback or a private network only"
            ));
        }
        ObservabilitySettings {
            metrics_bind,
            log_format: log_format(var, environment, problems),
        }
    }
}

/// `GGH_LOG_FORMAT`, else JSON in production and text in development. Also read on its own by
/// the binary, which starts logging before the rest of the settings are read.
pub fn log_format(
    var: &impl Fn(&str) -> Option<String>,
    environment: Environment,
    problems: &mut Vec<String>,
) -> LogFormat {
    match var("GGH_LOG_FORMAT").as_deref() {
        Some("json") => LogFormat::Json,
        Some("text") => LogFormat::Text,
        None if environment == Environment::Production => LogFormat::Json,
        None => LogFormat::Text,
        Some(other) => {
            problems.push(format!("GGH_LOG_FORMAT is `{other}`; use `json` or `text`"));
            LogFormat::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)], environment: Environment) -> (ObservabilitySettings, usize) {
        let var = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        };
        let mut problems = Vec::new();
        let read = ObservabilitySettings::from_env(&var, environment, &mut problems);
        (read, problems.len())
    }

    #[test]
    fn metrics_are_off_unless_bound_and_never_on_the_public_address() {
        let (off, problems) = read(&[], Environment::Development);
        assert_eq!((off.metrics_bind, problems), (None, 0));
        let (on, problems) = read(
            &[("GGH_METRICS_BIND", "127.0.0.1:9100")],
            Environment::Development,
        );
        assert_eq!(problems, 0);
        assert_eq!(on.metrics_bind, "127.0.0.1:9100".parse().ok());
        for bad in ["localhost", "9100", "127.0.0.1"] {
            assert_eq!(
                read(&[("GGH_METRICS_BIND", bad)], Environment::Development).1,
                1,
                "{bad}"
            );
        }
        let same = [
            ("GGH_BIND", "0.0.0.0:8080"),
            ("GGH_METRICS_BIND", "0.0.0.0:8080"),
        ];
        assert_eq!(read(&same, Environment::Development).1, 1);
    }

    #[test]
    fn logs_are_json_in_production_unless_told_otherwise() {
        let format = |pairs: &[(&str, &str)], env| read(pairs, env).0.log_format;
        assert_eq!(format(&[], Environment::Development), LogFormat::Text);
        assert_eq!(format(&[], Environment::Production), LogFormat::Json);
        let text = [("GGH_LOG_FORMAT", "text")];
        assert_eq!(format(&text, Environment::Production), LogFormat::Text);
        let json = [("GGH_LOG_FORMAT", "json")];
        assert_eq!(format(&json, Environment::Development), LogFormat::Json);
        assert_eq!(
            read(&[("GGH_LOG_FORMAT", "xml")], Environment::Development).1,
            1
        );
    }
}

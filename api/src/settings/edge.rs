//! Settings of the HTTP edge: which browser origins may call the API (CORS, off unless listed),
//! whether to tell browsers to insist on HTTPS (HSTS, only when served behind TLS), whether
//! the interactive docs and the spec they read are served (not in production unless asked), and
//! how long to drain connections before stopping (see `http::drain`).

use super::env::parse;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSettings {
    /// Origins allowed to call the API from a browser (`GGH_CORS_ORIGINS`, comma-separated,
    /// exact `https://host[:port]`). Empty: no cross-origin browser calls.
    pub cors_origins: Vec<String>,
    /// `Strict-Transport-Security` max-age in seconds (`GGH_HSTS_MAX_AGE`); unset: not sent,
    /// since only the TLS terminator in front knows the site is HTTPS.
    pub hsts_max_age: Option<u64>,
    /// Seconds between a stop signal and the listener closing (`GGH_SHUTDOWN_DRAIN`; 3 in
    /// production, 0 in development): see `http::drain`.
    pub drain_secs: u64,
    /// Serve `/docs/` (Swagger UI) and `/api-docs/openapi.json` (`GGH_DOCS=on|off`). Default: on
    /// in development, off in production, where the full map of admin routes and error codes
    /// helps only a prober; the committed `openapi/openapi.json` is what client teams build from.
    pub docs: bool,
}

/// Two years: the longest max-age browsers' preload lists ask for.
const HSTS_MAX: u64 = 2 * 365 * 24 * 3600;

impl EdgeSettings {
    pub(super) fn from_env(
        var: &impl Fn(&str) -> Option<String>,
        production: bool,
        problems: &mut Vec<String>,
    ) -> EdgeSettings {
        let mut cors_origins = Vec::new();
        for origin in var("GGH_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
        {
            if origin.is_empty() {
                continue;
            }
            if is_origin(origin) {
                cors_origins.push(origin.to_owned());
            } else {
                problems.push(format!(
                    "GGH_CORS_ORIGINS: `{origin}` is not an origin like https://app.example.cn"
                ));
            }
        }
        let docs = match var("GGH_DOCS").as_deref() {
            None => !production,
            Some("on") => true,
            Some("off") => false,
            Some(other) => {
                problems.push(format!("GGH_DOCS is `{other}`; use `on` or `off`"));
                !production
            }
        };
        EdgeSettings {
            cors_origins,
            hsts_max_age: parse(var, "GGH_HSTS_MAX_AGE", problems, |s| *s <= HSTS_MAX),
            drain_secs: parse(var, "GGH_SHUTDOWN_DRAIN", problems, |s| *s <= 60)
                .unwrap_or(if production { 3 } else { 0 }),
            docs,
        }
    }
}

/// `scheme://host[:port]` and nothing more (no path, no wildcard).
fn is_origin(raw: &str) -> bool {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return false;
    };
    matches!(scheme, "https" | "http")
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_max_age_are_checked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let mut problems = Vec::new();
        let ok = EdgeSettings::from_env(
            &env(&[
                (
                    "GGH_CORS_ORIGINS",
                    "https://a.example.cn, http://localhost:5173",
                ),
                ("GGH_HSTS_MAX_AGE", "31536000"),
            ]),
            false,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            ok.cors_origins,
            ["https://a.example.cn", "http://localhost:5173"]
        );
        assert_eq!(ok.hsts_max_age, Some(31_536_000));
        for bad in ["*", "https://a.cn/path", "ftp://a.cn", "https://"] {
            let mut problems = Vec::new();
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([("GGH_CORS_ORIGINS", bad)]));
            EdgeSettings::from_env(&env(pairs), false, &mut problems);
            assert_eq!(problems.len(), 1, "{bad}");
        }
        let plain = EdgeSettings::from_env(&env(&[]), false, &mut problems);
        assert!(plain.cors_origins.is_empty() && plain.hsts_max_age.is_none());
        assert_eq!(plain.drain_secs, 0);
        // A production instance drains before it stops unless told otherwise.
        assert_eq!(
            EdgeSettings::from_env(&env(&[]), true, &mut problems).drain_secs,
            3
        );
        let pairs: &'static [(&str, &str)] = &[("GGH_SHUTDOWN_DRAIN", "61")];
        EdgeSettings::from_env(&env(pairs), true, &mut problems);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn docs_are_off_in_production_unless_turned_on() {
        let env = |docs: Option<&'static str>| {
            move |k: &str| (k == "GGH_DOCS").then(|| docs.map(str::to_owned)).flatten()
        };
        let mut problems = Vec::new();
        let docs = |value, production, problems: &mut Vec<String>| {
            EdgeSettings::from_env(&env(value), production, problems).docs
        };
        assert!(docs(None, false, &mut problems));
        assert!(!docs(None, true, &mut problems));
        assert!(docs(Some("on"), true, &mut problems));
        assert!(!docs(Some("off"), false, &mut problems));
        assert!(problems.is_empty(), "{problems:?}");
        docs(Some("yes"), true, &mut problems);
        assert_eq!(problems, ["GGH_DOCS is `yes`; use `on` or `off`"]);
    }
}

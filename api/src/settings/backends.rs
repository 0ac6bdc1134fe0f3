//! Settings of the services behind the API: the database pool's size, and how often expired rows
//! are swept away.

use std::time::Duration;

use gangonghui_persistence::PoolOptions;

use super::env::parse;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendSettings {
    /// Connections in the pool (`GGH_DB_POOL_SIZE`); `None` picks the backend's measured default.
    pub db_pool_size: Option<u32>,
    /// How often expired rows are deleted (`GGH_UPKEEP_INTERVAL_SECS`; 0: never, for tests that
    /// sweep by hand).
    pub upkeep_interval: Option<Duration>,
}

impl BackendSettings {
    pub(super) fn from_env(
        var: &impl Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) -> BackendSettings {
        let upkeep_secs = bounded(
            var,
            "GGH_UPKEEP_INTERVAL_SECS",
            0..=86_400,
            "seconds",
            problems,
        );
        BackendSettings {
            db_pool_size: parse(var, "GGH_DB_POOL_SIZE", problems, |n: &u32| {
                (1..=256).contains(n)
            }),
            upkeep_interval: Some(Duration::from_secs(upkeep_secs.unwrap_or(60)))
                .filter(|d| !d.is_zero()),
        }
    }

    /// The pool options for serving: the backend's defaults with these settings applied.
    pub fn tune_pool(&self, options: &mut PoolOptions) {
        if let Some(size) = self.db_pool_size {
            options.max_size = size;
        }
    }
}

/// A whole number of `unit` in `range`, `None` when unset; anything else is a problem that says
/// what to write instead.
fn bounded(
    var: &impl Fn(&str) -> Option<String>,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
    problems: &mut Vec<String>,
) -> Option<u64> {
    let raw = var(key)?;
    match raw.parse::<u64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            problems.push(format!(
                "{key} is `{raw}`; use whole {unit} from {} to {}",
                range.start(),
                range.end()
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> (BackendSettings, Vec<String>) {
        let var = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        };
        let mut problems = Vec::new();
        let settings = BackendSettings::from_env(&var, &mut problems);
        (settings, problems)
    }

    #[test]
    fn the_upkeep_sweeps_every_minute_unless_set_or_turned_off() {
        let (s, problems) = from(&[]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.upkeep_interval, Some(Duration::from_secs(60)));
        let (s, problems) = from(&[("GGH_UPKEEP_INTERVAL_SECS", "0"), ("GGH_DB_POOL_SIZE", "3")]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((s.upkeep_interval, s.db_pool_size), (None, Some(3)));
        for bad in ["90000", "-1", "1m"] {
            let (_, problems) = from(&[("GGH_UPKEEP_INTERVAL_SECS", bad)]);
            let text = problems.join("\n");
            assert!(text.contains("seconds from 0 to 86400"), "{bad}: {text}");
        }
    }
}

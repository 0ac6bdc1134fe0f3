//! Settings of the services behind the API: how long a request may wait on the database pool,
//! run one PostgreSQL statement, or wait on Redis, and how often expired rows are swept away.

use std::time::Duration;

use gangonghui_persistence::PoolOptions;

use super::env::parse;
use crate::cache::RedisTimeouts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendSettings {
    /// Connections in the pool (`GGH_DB_POOL_SIZE`); `None` picks the backend's measured default.
    pub db_pool_size: Option<u32>,
    /// How long a request waits for a pooled connection before answering 503
    /// (`GGH_DB_CHECKOUT_TIMEOUT_MS`).
    pub db_checkout_timeout: Duration,
    /// The longest one PostgreSQL statement may run before the server cancels it and the request
    /// answers 503 (`GGH_DB_STATEMENT_TIMEOUT_MS`; 0: no limit). SQLite has no such limit.
    pub db_statement_timeout: Option<Duration>,
    /// `GGH_REDIS_TIMEOUT_MS` and `GGH_REDIS_CONNECT_TIMEOUT_MS`.
    pub redis: RedisTimeouts,
    /// How often expired rows are deleted (`GGH_UPKEEP_INTERVAL_SECS`; 0: never, for tests that
    /// sweep by hand).
    pub upkeep_interval: Option<Duration>,
}

/// Requests should fail in seconds; a statement longer than this is a fault, not a slow page.
const STATEMENT_TIMEOUT_MAX_MS: u64 = 10 * 60 * 1000;

impl BackendSettings {
    pub(super) fn from_env(
        var: &impl Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) -> BackendSettings {
        let mut ms = |key, range, default| {
            Duration::from_millis(
                bounded(var, key, range, "milliseconds", problems).unwrap_or(default),
            )
        };
        let db_checkout_timeout = ms("GGH_DB_CHECKOUT_TIMEOUT_MS", 50..=30_000, 1500);
        let statement = ms(
            "GGH_DB_STATEMENT_TIMEOUT_MS",
            0..=STATEMENT_TIMEOUT_MAX_MS,
            10_000,
        );
        let redis = RedisTimeouts {
            command: ms("GGH_REDIS_TIMEOUT_MS", 10..=10_000, 200),
            connect: ms("GGH_REDIS_CONNECT_TIMEOUT_MS", 10..=30_000, 200),
        };
        // Under 100 ms ordinary queries would fail: most likely seconds were meant.
        if !statement.is_zero() && statement < Duration::from_millis(100) {
            problems.push(
                "GGH_DB_STATEMENT_TIMEOUT_MS: use 0 (no limit) or at least 100 milliseconds".into(),
            );
        }
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
            db_checkout_timeout,
            db_statement_timeout: (!statement.is_zero()).then_some(statement),
            redis,
            upkeep_interval: Some(Duration::from_secs(upkeep_secs.unwrap_or(60)))
                .filter(|d| !d.is_zero()),
        }
    }

    /// The pool options for serving: the backend's defaults with these settings applied.
    pub fn tune_pool(&self, options: &mut PoolOptions) {
        if let Some(size) = self.db_pool_size {
            options.max_size = size;
        }
        options.checkout_timeout = self.db_checkout_timeout;
        options.statement_timeout = self.db_statement_timeout;
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
    fn defaults_fail_fast_and_sweep_every_minute() {
        let (s, problems) = from(&[]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.db_checkout_timeout, Duration::from_millis(1500));
        assert_eq!(s.db_statement_timeout, Some(Duration::from_secs(10)));
        assert_eq!(s.redis, RedisTimeouts::default());
        assert_eq!(s.upkeep_interval, Some(Duration::from_secs(60)));
    }

    #[test]
    fn zero_turns_the_statement_limit_and_the_upkeep_off() {
        let (s, problems) = from(&[
            ("GGH_DB_STATEMENT_TIMEOUT_MS", "0"),
            ("GGH_UPKEEP_INTERVAL_SECS", "0"),
            ("GGH_DB_CHECKOUT_TIMEOUT_MS", "250"),
            ("GGH_REDIS_TIMEOUT_MS", "50"),
            ("GGH_REDIS_CONNECT_TIMEOUT_MS", "1000"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.db_statement_timeout, None);
        assert_eq!(s.upkeep_interval, None);
        assert_eq!(s.db_checkout_timeout, Duration::from_millis(250));
        assert_eq!(s.redis.command, Duration::from_millis(50));
        assert_eq!(s.redis.connect, Duration::from_secs(1));
    }

    #[test]
    fn out_of_range_values_name_the_setting_and_its_range() {
        for (key, bad, hint) in [
            (
                "GGH_DB_CHECKOUT_TIMEOUT_MS",
                "10",
                "milliseconds from 50 to 30000",
            ),
            ("GGH_DB_CHECKOUT_TIMEOUT_MS", "1.5s", "50 to 30000"),
            ("GGH_DB_STATEMENT_TIMEOUT_MS", "50", "at least 100"),
            ("GGH_DB_STATEMENT_TIMEOUT_MS", "-1", "0 to 600000"),
            ("GGH_REDIS_TIMEOUT_MS", "0", "10 to 10000"),
            ("GGH_REDIS_CONNECT_TIMEOUT_MS", "60000", "10 to 30000"),
            (
                "GGH_UPKEEP_INTERVAL_SECS",
                "90000",
                "seconds from 0 to 86400",
            ),
        ] {
            let (_, problems) = from(&[(key, bad)]);
            let text = problems.join("\n");
            assert!(
                text.contains(key) && text.contains(hint),
                "{key}={bad}: {text}"
            );
        }
    }
}

//! Fixed-window rate limits kept in the cache. If the cache is down they let requests through:
//! the limits that protect secrets (a code's five tries) live in the database and still hold.

use std::time::Duration;

use super::AuthError;
use crate::cache::Cache;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window: Duration,
}

/// Failed logins per phone.
pub const LOGIN_FAILURES_PER_PHONE: Limit = Limit {
    name: "login-phone",
    max: 10,
    window: Duration::from_secs(15 * 60),
};
/// Failed logins per client IP (many workers may share one NAT address).
pub const LOGIN_FAILURES_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 100,
    window: Duration::from_secs(15 * 60),
};
/// Codes requested per client IP.
pub const OTP_SENDS_PER_IP: Limit = Limit {
    name: "otp-send-ip",
    max: 30,
    window: Duration::from_secs(3600),
};
/// Code checks (right or wrong) per phone, across codes.
pub const OTP_CHECKS_PER_PHONE: Limit = Limit {
    name: "otp-check-phone",
    max: 20,
    window: Duration::from_secs(3600),
};
/// Code checks per client IP.
pub const OTP_CHECKS_PER_IP: Limit = Limit {
    name: "otp-check-ip",
    max: 100,
    window: Duration::from_secs(3600),
};

fn key(limit: &Limit, subject: &str) -> String {
    format!("rl:{}:{subject}", limit.name)
}

impl Limit {
    fn exceeded(&self) -> AuthError {
        AuthError::RateLimited {
            retry_after: self.window.as_secs(),
        }
    }

    /// Counts one event and refuses it once over the limit.
    pub async fn hit(&self, cache: &Cache, subject: &str) -> Result<(), AuthError> {
        match cache.incr(&key(self, subject), self.window).await {
            Ok(count) if count > self.max => Err(self.exceeded()),
            _ => Ok(()),
        }
    }

    /// Counts an attempt before it is judged, refusing it once over the limit (the refused one
    /// gives its count back). A failure-only limit then [`Limit::refund`]s a success: counting
    /// after the judgement let 40 parallel attempts all pass a limit of 10 while each was
    /// still being judged.
    pub async fn take(&self, cache: &Cache, subject: &str) -> Result<(), AuthError> {
        match cache.incr(&key(self, subject), self.window).await {
            Ok(count) if count > self.max => {
                let _ = cache.incr_by(&key(self, subject), -1, self.window).await;
                Err(self.exceeded())
            }
            _ => Ok(()),
        }
    }

    /// Gives back an attempt [`Limit::take`] counted, once it turned out not to count (a success).
    pub async fn refund(&self, cache: &Cache, subject: &str) {
        let _ = cache.incr_by(&key(self, subject), -1, self.window).await;
    }

    /// Refuses when the limit is already reached, without counting (for failure-only limits).
    pub async fn check(&self, cache: &Cache, subject: &str) -> Result<(), AuthError> {
        match cache.get(&key(self, subject)).await {
            Ok(Some(count)) if count.parse::<i64>().unwrap_or(0) >= self.max => {
                Err(self.exceeded())
            }
            _ => Ok(()),
        }
    }
}

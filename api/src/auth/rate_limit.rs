//! Fixed-window rate limits. Their counters are shared through the cache and kept in-process
//! while it is down ([`Counters`]), so a limit holds per instance even without Redis. The limits
//! that protect secrets (a code's five tries) live in the database as well.

use std::time::Duration;

use super::AuthError;
use crate::cache::Counters;
use crate::http::error::RatePolicy;
use crate::metrics::record;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window: Duration,
}

/// Failed password logins per phone from one client IP: an attacker's address locks itself out
/// of that account, not the owner on another network.
pub const LOGIN_FAILURES_PER_PHONE_IP: Limit = Limit {
    name: "login-phone-ip",
    max: 10,
    window: Duration::from_secs(15 * 60),
};
/// Failed password logins per phone from anywhere: past ten, attempts from each network (/24,
/// /64) are spaced out rather than refused. Per network, so a guesser polling for the next
/// attempt takes only its own network's turns and cannot starve the owner's.
pub const LOGIN_FAILURES_PER_PHONE: Backoff = Backoff {
    limit: Limit {
        name: "login-phone",
        max: 10,
        window: Duration::from_secs(15 * 60),
    },
    longest: Duration::from_secs(60),
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
/// Code checks (right or wrong) per phone from one client address, across codes.
pub const OTP_CHECKS_PER_PHONE: Limit = Limit {
    name: "otp-check-phone-ip",
    max: 20,
    window: Duration::from_secs(3600),
};
/// Code checks per client IP.
pub const OTP_CHECKS_PER_IP: Limit = Limit {
    name: "otp-check-ip",
    max: 100,
    window: Duration::from_secs(3600),
};

/// Real-name attempts per account: one success locks the name, so an honest member needs few;
/// each refusal says something about an ID number, so a prober gets few.
pub const REAL_NAME_TRIES_PER_ACCOUNT: Limit = Limit {
    name: "real-name-account",
    max: 5,
    window: Duration::from_secs(24 * 3600),
};
/// Real-name attempts per client IP (a family or a workplace may share one).
pub const REAL_NAME_TRIES_PER_IP: Limit = Limit {
    name: "real-name-ip",
    max: 20,
    window: Duration::from_secs(24 * 3600),
};

/// Wrong current passwords per account when changing it: a stolen session must not become a
/// way around the login limits.
pub const CURRENT_PASSWORD_FAILURES: Limit = Limit {
    name: "current-password",
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// The network an address belongs to (/24 for IPv4, /64 for IPv6): one home or office line.
pub fn network_of(ip: std::net::IpAddr) -> String {
    let prefix = if ip.is_ipv4() { 24 } else { 64 };
    ipnet::IpNet::new(ip, prefix).map_or_else(|_| ip.to_string(), |net| net.trunc().to_string())
}

/// Any limit's refusal, for the spec's lists of refusals (they name the code, not the limit).
pub const LISTED: RatePolicy = LOGIN_FAILURES_PER_PHONE_IP.policy();

fn key(limit: &Limit, subject: &str) -> String {
    format!("rl:{}:{subject}", limit.name)
}

impl Limit {
    /// The refusal, with a warning in the log (the limit's name, never its subject: that is a
    /// phone, an address or a card number).
    fn exceeded(&self) -> AuthError {
        tracing::warn!(limit = self.name, "rate limit refused a request");
        record::rate_limit_refused(self.name);
        AuthError::RateLimited(self.policy())
    }

    pub const fn policy(&self) -> RatePolicy {
        RatePolicy {
            name: self.name,
            quota: self.max,
            window_secs: self.window.as_secs(),
        }
    }

    /// Counts one event and refuses it once over the limit.
    pub async fn hit(&self, counters: &Counters, subject: &str) -> Result<(), AuthError> {
        if counters.add(&key(self, subject), 1, self.window).await > self.max {
            return Err(self.exceeded());
        }
        Ok(())
    }

    /// Counts an attempt before it is judged, refusing it once over the limit (the refused one
    /// gives its count back). A failure-only limit then [`Limit::refund`]s a success: counting
    /// after the judgement let 40 parallel attempts all pass a limit of 10 while each was
    /// still being judged.
    pub async fn take(&self, counters: &Counters, subject: &str) -> Result<(), AuthError> {
        if counters.add(&key(self, subject), 1, self.window).await > self.max {
            self.refund(counters, subject).await;
            return Err(self.exceeded());
        }
        Ok(())
    }

    /// Gives back an attempt [`Limit::take`] counted, once it turned out not to count (a success).
    pub async fn refund(&self, counters: &Counters, subject: &str) {
        counters.add(&key(self, subject), -1, self.window).await;
    }

    /// Refuses when the limit is already reached, without counting (for failure-only limits).
    pub async fn check(&self, counters: &Counters, subject: &str) -> Result<(), AuthError> {
        if counters.peek(&key(self, subject)).await >= self.max {
            return Err(self.exceeded());
        }
        Ok(())
    }
}

/// A count-first limit that, past its `max`, spaces attempts instead of refusing them: one
/// attempt per delay, the delay doubling with each further failure (1 s, 2 s, 4 s ...) up to
/// `longest`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub limit: Limit,
    pub longest: Duration,
}

impl Backoff {
    /// Counts the attempt; past the free ones it also needs the next slot of its `lane` (the
    /// caller's network).
    pub async fn take(
        &self,
        counters: &Counters,
        subject: &str,
        lane: &str,
    ) -> Result<(), AuthError> {
        let count_key = key(&self.limit, subject);
        let before = counters.add(&count_key, 1, self.limit.window).await - 1;
        if before < self.limit.max {
            return Ok(());
        }
        let delay = self.delay(before - self.limit.max);
        let slot = format!("{count_key}:slot:{lane}");
        if counters.first_time(&slot, delay).await {
            return Ok(());
        }
        self.refund(counters, subject).await;
        tracing::warn!(
            limit = self.limit.name,
            "backoff spaced out a login attempt"
        );
        record::rate_limit_refused(self.limit.name);
        Err(AuthError::RateLimited(RatePolicy {
            window_secs: delay.as_secs(),
            ..self.limit.policy()
        }))
    }

    pub async fn refund(&self, counters: &Counters, subject: &str) {
        self.limit.refund(counters, subject).await;
    }

    fn delay(&self, beyond: i64) -> Duration {
        let doubled = 1u64
            .checked_shl(beyond.clamp(0, 63) as u32)
            .unwrap_or(u64::MAX);
        Duration::from_secs(doubled).min(self.longest)
    }
}

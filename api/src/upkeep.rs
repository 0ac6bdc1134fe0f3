//! Background upkeep: one task per process deletes rows whose time has passed, in small batches,
//! so no request pays for it. Any number of replicas may run it at once (see
//! `gangonghui_persistence::upkeep`). Requests never rely on it: every read of these rows filters
//! on their time, so a row the upkeep has not reached yet already reads as absent.
//!
//! How long each kind is kept past its time, and why:
//! - idempotency keys: 24 h after they were stored, the retention the contract promises;
//! - signed-request nonces: twice the clock skew after they were seen, until a request reusing
//!   one would be refused by its timestamp anyway;
//! - one-time codes: 24 h after they expired, because the resend cooldown and the daily send cap
//!   (per Asia/Shanghai day) count a phone's codes, expired ones too;
//! - sessions and their refresh tokens: 30 days after the session expired (a revoked session
//!   keeps its expiry, so it goes at most 60 days after revocation). No request needs them once
//!   expired, but while kept, a stolen refresh token presented again is still recognised as
//!   reuse (`auth.refresh_reused`, not just invalid), and an incident review can read the
//!   session (device, address, created, last seen) beside the audit log's session events. The
//!   30 days bound how long that personal data outlives its use.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_persistence::upkeep::{self, Expiring};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::auth::client::NONCE_RETENTION_SECS;
use crate::http::{ApiError, idempotency};
use crate::state::AppState;

/// How long one-time codes are kept after they expire (see the module docs).
pub const OTP_RETENTION: chrono::Duration = chrono::Duration::hours(24);
/// How long sessions and refresh tokens are kept after they expire (see the module docs).
pub const SESSION_RETENTION: chrono::Duration = chrono::Duration::days(30);

/// Rows of `kind` whose time is before this at `now` are deleted.
pub fn cutoff(kind: Expiring, now: DateTime<Utc>) -> NaiveDateTime {
    let now = now.naive_utc();
    match kind {
        Expiring::IdempotencyKeys => idempotency::stale_before(now),
        Expiring::ClientNonces => now - chrono::Duration::seconds(NONCE_RETENTION_SECS),
        Expiring::OtpCodes => now - OTP_RETENTION,
        Expiring::RefreshTokens | Expiring::Sessions => now - SESSION_RETENTION,
    }
}

/// Rows deleted by one sweep, per kind; a kind another replica swept (or that failed) is absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept(Vec<(Expiring, usize)>);

impl Swept {
    pub fn count(&self, kind: Expiring) -> usize {
        self.0
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total(&self) -> usize {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// Sweeps every kind once, at the state's clock. A kind that fails is logged and skipped (the
/// next sweep tries again) and the others still go, unless the database cannot be reached.
pub async fn sweep(state: &AppState) -> Swept {
    let now = state.clock.now();
    let mut swept = Swept::default();
    for kind in Expiring::ALL {
        let before = cutoff(kind, now);
        match state
            .db(move |conn| Ok(upkeep::sweep(conn, kind, before)?))
            .await
        {
            Ok(Some(deleted)) => swept.0.push((kind, deleted)),
            Ok(None) => tracing::debug!(table = kind.table(), "another replica is sweeping"),
            // The database is unreachable: the other kinds would fail too, so this sweep ends
            // with one line, not one per kind.
            Err(error @ ApiError::Unavailable { .. }) => {
                tracing::warn!(%error, "upkeep skipped a sweep; will retry");
                break;
            }
            Err(error) => {
                tracing::warn!(
                    table = kind.table(),
                    ?error,
                    "upkeep could not sweep; will retry"
                );
            }
        }
    }
    if swept.total() > 0 {
        tracing::info!(
            idempotency_keys = swept.count(Expiring::IdempotencyKeys),
            client_nonces = swept.count(Expiring::ClientNonces),
            otp_codes = swept.count(Expiring::OtpCodes),
            refresh_tokens = swept.count(Expiring::RefreshTokens),
            sessions = swept.count(Expiring::Sessions),
            "upkeep deleted expired rows"
        );
    }
    swept
}

/// The running schedule. Dropping it stops it; a sweep under way finishes its current table
/// first (that part runs on the blocking pool and ends by releasing its lock).
pub struct Schedule(JoinHandle<()>);

impl Drop for Schedule {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sweeps every `every`, the first time one interval after start: replicas restarted together
/// by a deploy do not all sweep while they warm up.
pub fn start(state: AppState, every: Duration) -> Schedule {
    Schedule(tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
        // A sweep slower than the interval pushes the next one back rather than bunching them.
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            sweep(&state).await;
        }
    }))
}

//! Password hashing with argon2id (OWASP parameters, the crate's defaults). A hash or verify costs
//! tens of milliseconds of CPU and ~19 MiB of memory, so both run on the blocking pool, never on
//! an async worker, and at most one per core at a time: a login flood queues (briefly) instead
//! of growing the process by 19 MiB per request.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::web;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::AuthError;
use crate::http::ApiError;

/// How long a password check may wait for a slot before the caller is told to retry.
const WAIT: Duration = Duration::from_secs(3);

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(capacity()))
}

/// Hashes that may run at once: one per core (more only adds memory, not throughput).
pub fn capacity() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most hashes that have run at once since the process started (for tests and metrics).
pub fn peak_in_flight() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// A hashing slot, held while the work runs on the blocking pool.
struct Slot {
    _permit: SemaphorePermit<'static>,
}

impl Slot {
    async fn take() -> Result<Slot, ApiError> {
        let permit = tokio::time::timeout(WAIT, slots().acquire())
            .await
            .map_err(|_| AuthError::HashingBusy)?
            .map_err(ApiError::internal)?;
        let now = IN_FLIGHT.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(now, Ordering::Relaxed);
        Ok(Slot { _permit: permit })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    let slot = Slot::take().await?;
    web::block(move || {
        let _slot = slot;
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// Checks `password` against `stored`; with no stored hash (no such account, or no password set)
/// it still does the work against a dummy hash, so timing does not reveal which accounts exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    let slot = Slot::take().await?;
    web::block(move || {
        let _slot = slot;
        let (hash, real) = match stored {
            Some(stored) => (stored, true),
            None => (dummy_hash().to_owned(), false),
        };
        check_now(&password, &hash) && real
    })
    .await
    .map_err(ApiError::internal)
}

/// The check itself, on the calling thread and outside the slots: what [`verify`] runs, for a
/// benchmark of this machine's limit (`bench-counter argon2`).
pub fn check_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"not-a-real-password-0")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

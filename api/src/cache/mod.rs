//! The cache: sessions, hot lookups, one-time codes, idempotency and rate limits keep their fast
//! path here. It is never the source of truth: every caller must treat an error as a miss and
//! fall back to the database, so losing Redis costs speed, not correctness or availability.

mod counters;
mod memory;
mod redis;

use std::time::Duration;

pub use self::counters::Counters;
pub use self::memory::MemoryCache;
pub use self::redis::{RedisCache, RedisTimeouts};
use crate::metrics::record;

/// The cache failed to answer (unreachable, timed out, or a protocol error). Callers fall back.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cache is unavailable (recent failures); skipping it for a moment")]
    Unavailable,
    #[error("cache command failed")]
    Command(#[from] ::redis::RedisError),
}

impl CacheError {
    /// True when Redis itself could not be reached in time, as opposed to one bad command.
    pub fn means_unreachable(&self) -> bool {
        match self {
            CacheError::Timeout(_) | CacheError::Unavailable => true,
            CacheError::Command(e) => {
                e.is_io_error()
                    || e.is_timeout()
                    || e.is_connection_refusal()
                    || e.is_connection_dropped()
            }
        }
    }
}

/// One interface, two implementations: Redis for several instances, in-process for one.
#[derive(Clone)]
pub enum Cache {
    Memory(MemoryCache),
    Redis(RedisCache),
}

impl Cache {
    /// The cache the settings ask for. Never connects here: an unreachable Redis must not stop
    /// the server from starting.
    pub fn from_settings(
        redis_url: Option<&str>,
        prefix: &str,
        timeouts: RedisTimeouts,
    ) -> Result<Cache, CacheError> {
        Ok(match redis_url {
            Some(url) => Cache::Redis(RedisCache::new(url, prefix, timeouts)?),
            None => Cache::Memory(MemoryCache::default()),
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Cache::Memory(_) => "memory",
            Cache::Redis(_) => "redis",
        }
    }

    /// True while the Redis circuit breaker holds Redis as failed (see `RedisCache`).
    pub fn breaker_open(&self) -> bool {
        match self {
            Cache::Memory(_) => false,
            Cache::Redis(c) => c.is_down(),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let found = match self {
            Cache::Memory(c) => Ok(c.get(key)),
            // Redis may still hold the entry a waiting write replaces: a miss, so the caller
            // asks the database.
            Cache::Redis(c) if c.is_waiting(key) => Ok(None),
            Cache::Redis(c) => c.get(key).await,
        };
        record::cache_lookup(found.as_ref().map(Option::is_some).map_err(drop));
        noted("get", found)
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError> {
        match self {
            Cache::Memory(c) => {
                c.set(key, value, ttl);
                Ok(())
            }
            Cache::Redis(c) => noted("set", c.set(key, value, ttl).await),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), CacheError> {
        match self {
            Cache::Memory(c) => {
                c.delete(key);
                Ok(())
            }
            Cache::Redis(c) => noted("delete", c.delete(key).await),
        }
    }

    /// Stores `value` only if `key` is absent; true when this call stored it.
    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        match self {
            Cache::Memory(c) => Ok(c.set_if_absent(key, value, ttl)),
            Cache::Redis(c) if c.is_waiting(key) => Ok(false),
            Cache::Redis(c) => noted("set_if_absent", c.set_if_absent(key, value, ttl).await),
        }
    }

    /// Adds one to a counter and returns the new count. The counter is created with `ttl` and
    /// keeps that expiry as it grows: a fixed window, as rate limits want.
    pub async fn incr(&self, key: &str, ttl: Duration) -> Result<i64, CacheError> {
        self.incr_by(key, 1, ttl).await
    }

    /// Adds `by` (negative: takes away) to a counter, as [`Cache::incr`] does.
    pub async fn incr_by(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        match self {
            Cache::Memory(c) => Ok(c.incr(key, by, ttl)),
            Cache::Redis(c) => noted("incr", c.incr(key, by, ttl).await),
        }
    }

    /// Sets `key` now, or, when the cache cannot be reached, keeps retrying in the background
    /// for up to `ttl`. For writes that must not be lost while an older entry may still sit in
    /// the cache (a revocation, a changed status or profile). While the write waits, this
    /// instance reads the key as a miss (the database answers), and a newer write of the same
    /// key supersedes it.
    pub async fn set_eventually(&self, key: &str, value: &str, ttl: Duration) {
        let Cache::Redis(redis) = self else {
            let _ = self.set(key, value, ttl).await;
            return;
        };
        let generation = redis.hold(key);
        if redis.set(key, value, ttl).await.is_ok() {
            redis.release_if_current(key, generation);
            return;
        }
        tracing::warn!(
            key,
            "cache unreachable; retrying the write in the background"
        );
        let (redis, key, value) = (redis.clone(), key.to_owned(), value.to_owned());
        actix_web::rt::spawn(async move {
            let deadline = std::time::Instant::now() + ttl;
            while std::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if !redis.is_current(&key, generation) || redis.set(&key, &value, ttl).await.is_ok()
                {
                    break;
                }
            }
            // Done, superseded, or past `ttl` (by then any entry it replaced has expired).
            redis.release_if_current(&key, generation);
        });
    }

    /// Proves the cache answers right now (for readiness).
    pub async fn ping(&self) -> Result<(), CacheError> {
        match self {
            Cache::Memory(_) => Ok(()),
            Cache::Redis(c) => c.ping().await,
        }
    }
}

/// Counts a failed call of `op` (the caller falls back either way).
fn noted<T>(op: &'static str, outcome: Result<T, CacheError>) -> Result<T, CacheError> {
    if outcome.is_err() {
        record::cache_error(op);
    }
    outcome
}

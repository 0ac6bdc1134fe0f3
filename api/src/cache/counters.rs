//! Counters behind the rate limits. They live in the cache, so every replica counts together;
//! when the cache does not answer they live in this process instead, so each limit still holds
//! per instance (fail-safe) rather than letting every request through while Redis is down.
//!
//! The in-process map is the same one that serves as the whole cache without Redis, so the
//! fallback needs no second limiter implementation (`governor` would count differently from
//! the shared counters it stands in for).

use std::time::Duration;

use super::{Cache, MemoryCache};

#[derive(Clone)]
pub struct Counters {
    shared: Cache,
    local: MemoryCache,
}

impl Counters {
    pub fn new(shared: Cache) -> Counters {
        Counters {
            shared,
            local: MemoryCache::default(),
        }
    }

    /// Adds `by` to the counter (created with `ttl`, a fixed window) and returns the new count.
    /// What was counted here while the cache was down moves into the cache with the first
    /// count it takes again, so a burst straddling its return is not split between the two.
    pub async fn add(&self, key: &str, by: i64, ttl: Duration) -> i64 {
        let held = self
            .local
            .take(key)
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(0);
        match self.shared.incr_by(key, by.saturating_add(held), ttl).await {
            Ok(count) => count,
            Err(_) => self.local.incr(key, by.saturating_add(held), ttl),
        }
    }

    /// The counter's current count (with what is held here), without changing it.
    pub async fn peek(&self, key: &str) -> i64 {
        let count = |raw: Option<String>| raw.and_then(|r| r.parse::<i64>().ok()).unwrap_or(0);
        let held = count(self.local.get(key));
        match self.shared.get(key).await {
            Ok(raw) => count(raw).saturating_add(held),
            Err(_) => held,
        }
    }

    /// Marks `key` for `ttl`; true only for the call that marked it (here or in the cache).
    pub async fn first_time(&self, key: &str, ttl: Duration) -> bool {
        match self.shared.set_if_absent(key, "1", ttl).await {
            Ok(first) => first && self.local.get(key).is_none(),
            Err(_) => self.local.set_if_absent(key, "1", ttl),
        }
    }

    /// Removes a mark, wherever it was made.
    pub async fn forget(&self, key: &str) {
        let _ = self.shared.delete(key).await;
        self.local.delete(key);
    }
}

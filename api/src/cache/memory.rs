//! The in-process cache used when `REDIS_URL` is unset: correct for a single instance only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Expired entries are swept on writes once this many have been made since the last sweep,
/// so the map cannot grow without bound from keys nobody reads again.
const SWEEP_EVERY_WRITES: u32 = 1024;

#[derive(Clone, Default)]
pub struct MemoryCache {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    writes_since_sweep: u32,
}

struct Entry {
    value: String,
    expires_at: Instant,
}

impl MemoryCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still consistent: keep using it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        let inner = self.lock();
        inner
            .entries
            .get(key)
            .filter(|e| e.expires_at > now)
            .map(|e| e.value.clone())
    }

    pub fn set(&self, key: &str, value: &str, ttl: Duration) {
        let mut inner = self.lock();
        inner.write(key, value.to_owned(), ttl);
    }

    pub fn delete(&self, key: &str) {
        self.lock().entries.remove(key);
    }

    pub fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.entries.get(key).is_some_and(|e| e.expires_at > now) {
            return false;
        }
        inner.write(key, value.to_owned(), ttl);
        true
    }

    /// Removes the entry and returns its value, in one step.
    pub fn take(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        self.lock()
            .entries
            .remove(key)
            .filter(|e| e.expires_at > now)
            .map(|e| e.value)
    }

    pub fn incr(&self, key: &str, by: i64, ttl: Duration) -> i64 {
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(entry) = inner.entries.get_mut(key).filter(|e| e.expires_at > now) {
            let next = entry.value.parse::<i64>().unwrap_or(0).saturating_add(by);
            entry.value = next.to_string();
            return next;
        }
        inner.write(key, by.to_string(), ttl);
        by
    }
}

impl Inner {
    fn write(&mut self, key: &str, value: String, ttl: Duration) {
        let now = Instant::now();
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= SWEEP_EVERY_WRITES {
            self.entries.retain(|_, e| e.expires_at > now);
            self.writes_since_sweep = 0;
        }
        self.entries.insert(
            key.to_owned(),
            Entry {
                value,
                expires_at: now + ttl,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::MemoryCache;
    use std::time::Duration;

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn entries_expire() {
        let cache = MemoryCache::default();
        cache.set("k", "v", Duration::from_millis(20));
        assert_eq!(cache.get("k").as_deref(), Some("v"));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(cache.get("k"), None);
        assert!(
            cache.set_if_absent("k", "w", LONG),
            "an expired key counts as absent"
        );
    }

    #[test]
    fn set_if_absent_stores_once() {
        let cache = MemoryCache::default();
        assert!(cache.set_if_absent("k", "first", LONG));
        assert!(!cache.set_if_absent("k", "second", LONG));
        assert_eq!(cache.get("k").as_deref(), Some("first"));
        cache.delete("k");
        assert!(cache.set_if_absent("k", "third", LONG));
    }

    #[test]
    fn counters_count_within_their_window() {
        let cache = MemoryCache::default();
        assert_eq!(cache.incr("c", 1, Duration::from_millis(30)), 1);
        assert_eq!(cache.incr("c", 1, Duration::from_millis(30)), 2);
        assert_eq!(
            cache.incr("c", -1, Duration::from_millis(30)),
            1,
            "a refund takes one back"
        );
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            cache.incr("c", 1, LONG),
            1,
            "a new window starts after expiry"
        );
    }

    #[test]
    fn sweeping_drops_expired_keys() {
        let cache = MemoryCache::default();
        for i in 0..super::SWEEP_EVERY_WRITES {
            cache.set(&format!("short{i}"), "v", Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(5));
        for _ in 0..super::SWEEP_EVERY_WRITES {
            cache.set("kept", "v", LONG);
        }
        assert_eq!(cache.lock().entries.len(), 1, "only the live key remains");
    }
}

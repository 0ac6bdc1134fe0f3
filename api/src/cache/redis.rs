//! The Redis cache for several API instances. Every call is bounded in time, and after a failure
//! Redis is skipped for a moment, so a dead Redis costs callers a fast error, not a stall.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::CacheError;

/// How long Redis may take before the caller falls back to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisTimeouts {
    /// The longest any cache call may take, reconnecting included.
    pub command: Duration,
    /// The longest opening a connection may take. A reconnect goes on in the background after
    /// the call that started it has given up, so this may exceed `command` (e.g. TLS to a
    /// managed Redis in another zone) without stalling requests.
    pub connect: Duration,
}

impl Default for RedisTimeouts {
    /// Generous for a Redis in the same network (a GET answers in well under a millisecond),
    /// short enough that a dead one costs a request little.
    fn default() -> Self {
        RedisTimeouts {
            command: Duration::from_millis(200),
            connect: Duration::from_millis(200),
        }
    }
}

/// After a failure, calls fail at once for this long instead of each waiting out the timeout.
const BACKOFF: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct RedisCache {
    conn: ConnectionManager,
    timeout: Duration,
    prefix: Arc<str>,
    health: Arc<Health>,
    pending: Arc<Pending>,
}

/// Writes that must not be lost and are waiting for Redis to come back (see
/// `Cache::set_eventually`). While one waits, its key is a miss here: Redis may still hold the
/// entry the write replaces, and reading that would undo a revocation. Each write has a
/// generation, so a newer write to the key supersedes an older one still retrying.
#[derive(Default)]
struct Pending {
    generations: Mutex<HashMap<String, u64>>,
    next: AtomicU64,
}

/// A small circuit breaker shared by all clones.
struct Health {
    started: Instant,
    /// Milliseconds since `started` until which Redis is skipped; 0 when healthy.
    skip_until_ms: AtomicU64,
    down: AtomicBool,
}

impl RedisCache {
    pub fn new(url: &str, prefix: &str, timeouts: RedisTimeouts) -> Result<RedisCache, CacheError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeouts.connect))
            .set_response_timeout(Some(timeouts.command))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(100));
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(RedisCache {
            conn,
            timeout: timeouts.command,
            prefix: prefix.into(),
            health: Arc::new(Health {
                started: Instant::now(),
                skip_until_ms: AtomicU64::new(0),
                down: AtomicBool::new(false),
            }),
            pending: Arc::default(),
        })
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.pending
            .generations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a write of `key` as waiting and returns its generation; any older waiting write
    /// of the key is superseded.
    pub fn hold(&self, key: &str) -> u64 {
        let generation = self.pending.next.fetch_add(1, Ordering::Relaxed);
        self.pending().insert(key.to_owned(), generation);
        generation
    }

    /// Whether `generation` is still the newest waiting write of `key`.
    pub fn is_current(&self, key: &str, generation: u64) -> bool {
        self.pending().get(key) == Some(&generation)
    }

    /// Releases `key` if `generation` is still its newest waiting write.
    pub fn release_if_current(&self, key: &str, generation: u64) {
        let mut pending = self.pending();
        if pending.get(key) == Some(&generation) {
            pending.remove(key);
        }
    }

    /// Whether the breaker holds Redis as failed: since the last unreachable error, no call
    /// has succeeded (calls are skipped for [`BACKOFF`] after each failure).
    pub fn is_down(&self) -> bool {
        self.health.down.load(Ordering::Relaxed)
    }

    pub fn is_waiting(&self, key: &str) -> bool {
        self.pending().contains_key(key)
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs one command under the timeout and the breaker.
    async fn call<T>(&self, cmd: &redis::Cmd) -> Result<T, CacheError>
    where
        T: redis::FromRedisValue,
    {
        self.guarded(async {
            let mut conn = self.conn.clone();
            cmd.query_async::<T>(&mut conn).await
        })
        .await
    }

    async fn guarded<T>(
        &self,
        op: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, CacheError> {
        let now_ms = self.health.started.elapsed().as_millis() as u64;
        if now_ms < self.health.skip_until_ms.load(Ordering::Relaxed) {
            return Err(CacheError::Unavailable);
        }
        let outcome = match tokio::time::timeout(self.timeout, op).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(CacheError::Command(e)),
            Err(_) => Err(CacheError::Timeout(self.timeout)),
        };
        match &outcome {
            Ok(_) => {
                if self.health.down.swap(false, Ordering::Relaxed) {
                    self.health.skip_until_ms.store(0, Ordering::Relaxed);
                    tracing::info!("redis cache is reachable again");
                }
            }
            Err(e) if e.means_unreachable() => {
                let until = self.health.started.elapsed() + BACKOFF;
                self.health
                    .skip_until_ms
                    .store(until.as_millis() as u64, Ordering::Relaxed);
                if !self.health.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "redis cache failed; falling back to the database");
                }
            }
            Err(_) => {}
        }
        outcome
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        self.call(redis::cmd("GET").arg(self.key(key))).await
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError> {
        self.call(
            redis::cmd("SET")
                .arg(self.key(key))
                .arg(value)
                .arg("PX")
                .arg(ttl_ms(ttl)),
        )
        .await
    }

    pub async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.call::<i64>(redis::cmd("DEL").arg(self.key(key)))
            .await
            .map(drop)
    }

    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let reply: Option<String> = self
            .call(
                redis::cmd("SET")
                    .arg(self.key(key))
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl_ms(ttl)),
            )
            .await?;
        Ok(reply.is_some())
    }

    pub async fn incr(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        let key = self.key(key);
        // One atomic round trip: create with the window's expiry if absent, then count.
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(&key)
            .arg(0)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms(ttl))
            .ignore()
            .cmd("INCRBY")
            .arg(&key)
            .arg(by);
        let (count,): (i64,) = self
            .guarded(async {
                let mut conn = self.conn.clone();
                pipe.query_async(&mut conn).await
            })
            .await?;
        Ok(count)
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        self.call::<String>(&redis::cmd("PING")).await.map(drop)
    }
}

/// Redis rejects a zero expiry; round up to at least one millisecond.
fn ttl_ms(ttl: Duration) -> u64 {
    (ttl.as_millis() as u64).max(1)
}

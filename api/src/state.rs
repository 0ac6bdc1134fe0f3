//! What every handler can reach: the database pool, the cache, the settings, the keys, the
//! outbound clients and the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use actix_web::web;
use gangonghui_persistence::{DbConn, DbPool};

use crate::auth::sms::SmsSender;
use crate::auth::tokens::TokenKeys;
use crate::auth::wechat::WechatClient;
use crate::cache::{Cache, Counters};
use crate::clock::Clock;
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub db: DbPool,
    pub cache: Cache,
    /// The rate limits' counters: in the cache, or in this process while it is down.
    pub counters: Counters,
    pub settings: Arc<Settings>,
    pub tokens: Arc<TokenKeys>,
    pub data_keys: Arc<DataKeys>,
    pub sms: SmsSender,
    pub wechat: WechatClient,
    /// What every use case asks for the time (see [`Clock`]).
    pub clock: Clock,
    /// Admits at most as many blocking database jobs as the pool has connections. Without it,
    /// a burst parks dozens of blocking threads on the pool's lock, and on 2 cores the context
    /// switches cost more than the queries.
    db_gate: Arc<tokio::sync::Semaphore>,
    /// Jobs waiting for the gate: where database work queues (tokio does not expose its
    /// blocking pool's queue on a stable API, and the gate keeps that queue empty anyway).
    db_waiting: Arc<AtomicUsize>,
    /// Set once a stop was requested (see [`crate::http::drain`]).
    pub draining: crate::http::drain::Draining,
}

impl AppState {
    /// Builds the state from validated settings: keys, outbound clients.
    pub fn new(settings: Settings, db: DbPool, cache: Cache) -> anyhow::Result<AppState> {
        let tokens = TokenKeys::new(settings.jwt_secret.expose(), &settings.jwt_previous_secrets)?;
        let previous: Vec<&str> = settings
            .data_previous_keys
            .iter()
            .map(|k| k.expose())
            .collect();
        let index = settings.index_key.as_ref().map(|k| k.expose());
        let data_keys = DataKeys::rotated(settings.data_key.expose(), &previous, index)?;
        // One pooled HTTP client for every outbound call (SMS gateway, WeChat).
        let http = reqwest::Client::builder().build()?;
        Ok(AppState {
            db_gate: Arc::new(tokio::sync::Semaphore::new(db.max_size() as usize)),
            db_waiting: Arc::default(),
            sms: SmsSender::from_setting(&settings.sms, http.clone()),
            wechat: WechatClient::new(&settings.wechat, http),
            clock: Clock::default(),
            tokens: Arc::new(tokens),
            data_keys: Arc::new(data_keys),
            db,
            counters: Counters::new(cache.clone()),
            cache,
            settings: Arc::new(settings),
            draining: Default::default(),
        })
    }

    /// Runs blocking database work on the blocking pool, never on an async worker.
    ///
    /// Waiting for the gate and then for a connection share one budget, the pool's checkout
    /// timeout: past it the request answers 503 with Retry-After. Unbounded, the gate queued
    /// every request behind the few waiting out a dead database, and clients hung for tens of
    /// seconds.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let budget = self.db.checkout_timeout();
        let started = Instant::now();
        let waiting = Waiting::new(&self.db_waiting);
        let admitted = tokio::time::timeout(budget, self.db_gate.acquire()).await;
        drop(waiting);
        let _permit = admitted
            .map_err(|_| ApiError::database_unavailable())?
            .map_err(ApiError::internal)?;
        let left = budget.saturating_sub(started.elapsed());
        let pool = self.db.clone();
        web::block(move || {
            let mut conn = pool.get_within(left)?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Database jobs `(waiting for the gate, running on the blocking pool)`, for metrics.
    pub fn db_jobs(&self) -> (usize, usize) {
        let running =
            (self.db.max_size() as usize).saturating_sub(self.db_gate.available_permits());
        (self.db_waiting.load(Ordering::Relaxed), running)
    }
}

/// Counts one waiter while it lives, so a request dropped mid-wait (its client went away) stops
/// counting too.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

//! The metrics listener: `GET /metrics` in the Prometheus text format on `GGH_METRICS_BIND`, a
//! separate address from the API's (the public port answers 404 for it), and nothing else.
//! A tiny actix server of its own, so it starts and stops with the application and needs no
//! second HTTP stack.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::web::{self, Data};
use actix_web::{App, HttpResponse, HttpServer};
use anyhow::Context;
use metrics::gauge;

use super::names::*;
use crate::state::AppState;

/// The content type of Prometheus's text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Binds `addr` and builds the server (it runs once polled). The address it bound is returned
/// too, for a port 0.
pub fn bind(addr: SocketAddr, state: AppState) -> anyhow::Result<(Server, SocketAddr)> {
    super::handle().context("the metrics recorder could not be installed")?;
    let listener = TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on GGH_METRICS_BIND={addr}"))?;
    let bound = listener.local_addr()?;
    let state = Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(scrape))
            .default_service(web::to(HttpResponse::NotFound))
    })
    // One worker is plenty for a scrape every few seconds; the application stops it (it must
    // not react to SIGTERM on its own and leave while the API drains).
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    Ok((server, bound))
}

async fn scrape(state: Data<AppState>) -> HttpResponse {
    sample(&state);
    let body = super::handle()
        .map(|handle| handle.render())
        .unwrap_or_default();
    HttpResponse::Ok().content_type(TEXT_FORMAT).body(body)
}

/// The gauges that are states, not events: read at each scrape rather than kept up to date on
/// every checkout.
fn sample(state: &AppState) {
    let pool = state.db.state();
    gauge!(DB_POOL_CONNECTIONS, "state" => "in_use").set(pool.in_use);
    gauge!(DB_POOL_CONNECTIONS, "state" => "idle").set(pool.idle);
    gauge!(DB_POOL_MAX).set(pool.max);
    gauge!(DB_POOL_WAITING).set(pool.waiting as f64);
    let (waiting, running) = state.db_jobs();
    gauge!(DB_JOBS_WAITING).set(waiting as f64);
    gauge!(DB_JOBS_RUNNING).set(running as f64);
    gauge!(CACHE_BREAKER_OPEN).set(u32::from(state.cache.breaker_open()));
}

//! Leaving a load balancer without failing a request. On SIGTERM (or Ctrl-C) the instance first
//! drains: for `GGH_SHUTDOWN_DRAIN` seconds it keeps answering, but closes each connection after
//! its answer and `/readyz` says 503, so the balancer stops reusing connections to it; then the
//! graceful stop closes the listener (new connections are refused, and nginx sends them to
//! another replica) and lets in-flight requests finish (`GGH_SHUTDOWN_TIMEOUT`).
//!
//! Without the drain, the stop closed idle keep-alive connections while nginx was sending the
//! next request on one of them; a POST already sent is never resent, so it failed with 502
//! (`scripts/replicas/run.sh`, scenario r1: 2 of 5,725 requests).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether this instance is draining; shared by the signal task, the middleware and `/readyz`.
#[derive(Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Resolves when the server should begin its graceful stop: after a signal and the drain.
pub async fn then_stop(draining: Draining, drain: Duration) {
    signal().await;
    tracing::info!(
        seconds = drain.as_secs(),
        "stop requested: draining before the listener closes"
    );
    draining.start();
    tokio::time::sleep(drain).await;
    tracing::info!("drained: closing the listener, letting in-flight requests finish");
}

async fn signal() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}

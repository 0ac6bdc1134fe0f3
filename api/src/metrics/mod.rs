//! Prometheus metrics: every name in one place ([`names`]), the process-wide recorder, and the
//! small functions call sites use ([`record`]), so a handler adds one line, not a label schema.
//!
//! The `metrics` facade keeps one recorder per process. It is installed the first time an
//! application starts with `GGH_METRICS_BIND` set; until then every recording is a no-op that
//! costs a function call. [`server`] serves the text on that separate address.

pub mod names;
pub mod record;
pub mod server;

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Upper bounds of the latency histogram's buckets, in seconds: from a cached lookup (~1 ms) to
/// the longest a client waits (the database checkout budget and beyond).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into buckets when nobody scrapes: without it they
/// pile up in memory between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use. `None` when another recorder was installed
/// first (a host embedding this crate): the server then has nothing of ours to render.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE.get_or_init(install).as_ref()
}

fn install() -> Option<PrometheusHandle> {
    let built = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(names::HTTP_REQUEST_DURATION.into()),
            LATENCY_BUCKETS,
        )
        .map(PrometheusBuilder::install_recorder);
    let handle = match built {
        Ok(Ok(handle)) => handle,
        Ok(Err(e)) | Err(e) => {
            tracing::error!(error = %e, "metrics recorder not installed; /metrics stays empty");
            return None;
        }
    };
    names::describe();
    names::start_at_zero();
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no metrics upkeep thread; histograms are folded at scrapes only");
    }
    Some(handle)
}

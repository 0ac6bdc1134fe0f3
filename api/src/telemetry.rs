//! Logging: structured `tracing` output; every line inside a request carries its `request_id`.
//! Text for a person at a terminal, or one JSON object per line for a log collector
//! (`GGH_LOG_FORMAT`, JSON by default in production).

use tracing_subscriber::EnvFilter;

use crate::settings::{Environment, LogFormat, log_format};

/// Default filter when `RUST_LOG` is unset.
const DEFAULT_FILTER: &str = "info,actix_server=warn";

/// The format the environment asks for, read before the rest of the settings so that their
/// own warnings are written in it. A wrong value falls back to text here; the settings then
/// refuse it with a message.
pub fn format_from_env() -> LogFormat {
    let var = |key: &str| {
        std::env::var(key)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let environment = match var("GGH_ENV").as_deref() {
        Some("production") => Environment::Production,
        _ => Environment::Development,
    };
    log_format(&var, environment, &mut Vec::new())
}

/// Installs the global subscriber once; later calls (e.g. from tests) are no-ops.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = match format {
        LogFormat::Text => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_target(false)
                .with_ansi(ansi)
                .try_init()
        }
        // Event fields at the top level, where a collector indexes them; the request's span
        // (request id, route, client) once under "span", not repeated as a list.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_target(false)
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

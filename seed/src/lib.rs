//! Data sets to try and to measure the API with: `seed --demo` (a small, fixed set; never in
//! production, where its published password would be a back door) and the generated bulk set of
//! `seed --members N --merchants M --redemptions R`. Both write through the API's own services and
//! persistence's typed functions, so they spell no status or org-path rule of their own.

pub mod demo;
mod demo_legal_aid;
pub mod scale;

use gangonghui_api::ApiError;
use gangonghui_api::settings::{Environment, Settings};

pub use demo::{DEMO_PASSWORD, DemoSummary, demo};
pub use scale::{BULK_PASSWORD, Plan, Summary, generate};

/// Why `seed` refuses to run.
#[derive(Debug, thiserror::Error)]
#[error(
    "seed creates accounts with a published password; it refuses to run with \
     GGH_ENV=production (create operators with `gangonghui admin create` instead)"
)]
pub struct DemoInProduction;

/// Refuses the demo and the generated data sets in production, before anything is opened or
/// written: both create accounts whose password is published.
pub fn ensure_demo_allowed(settings: &Settings) -> Result<(), DemoInProduction> {
    match settings.environment {
        Environment::Production => Err(DemoInProduction),
        Environment::Development => Ok(()),
    }
}

fn credit_code(body: &str) -> Result<String, ApiError> {
    let check = gangonghui_domain::credit_code::check_character(body.as_bytes())
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("bad generated credit code {body}")))?;
    Ok(format!("{body}{}", check as char))
}

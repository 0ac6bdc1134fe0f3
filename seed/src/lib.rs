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

/// The grassroots union `name` under `city`: the one already there, else a new one with `id`.
/// Returns its id and path. Both data sets run this, so reseeding finds what it made before.
fn grassroots_union(
    conn: &mut gangonghui_persistence::DbConn,
    city: &gangonghui_persistence::orgs::OrgRow,
    name: &str,
    id: &gangonghui_domain::ids::OrgId,
    now: chrono::NaiveDateTime,
) -> Result<(gangonghui_domain::ids::OrgId, String), ApiError> {
    use gangonghui_domain::org::{OrgLevel, child_path};
    use gangonghui_persistence::orgs::{self, NewOrg};
    if let Some(union) = orgs::child_named(conn, &city.id, name)? {
        return Ok((union.id, union.path));
    }
    let path = child_path(&city.path, id.as_str());
    orgs::insert(
        conn,
        &NewOrg {
            id,
            name,
            level: OrgLevel::Grassroots,
            division_code: None,
            parent_id: Some(&city.id),
            path: &path,
            created_at: now,
        },
    )?;
    Ok((id.clone(), path))
}

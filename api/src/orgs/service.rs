//! Org units: listing children, and union admins creating units inside their subtree.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use gangonghui_domain::Role;
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::ids::OrgId;
use gangonghui_domain::org::{OrgLevel, child_path, in_subtree};
use gangonghui_persistence::orgs::{self, NewOrg, OrgRow};
use gangonghui_persistence::{DbConn, ids, write_tx};

use crate::audit::{AuditEvent, RequestContext};
use crate::auth::UnionAdmin;
use crate::http::{ApiError, FieldIssueKind, Rule};
use crate::membership::MemberError;
use crate::state::AppState;

pub struct NewOrgCmd {
    pub name: String,
    pub parent_id: OrgId,
    pub level: OrgLevel,
    pub division_code: Option<String>,
}

pub async fn children(
    state: &AppState,
    parent: Option<OrgId>,
    after: Option<OrgId>,
    limit: i64,
) -> Result<Vec<OrgRow>, ApiError> {
    state
        .db(move |conn| {
            Ok(orgs::children(
                conn,
                parent.as_ref(),
                after.as_ref(),
                limit,
            )?)
        })
        .await
}

/// The materialised path of an operator's org unit. Units never move, so a path once read stays
/// true: it is remembered in process.
pub fn scope_path(conn: &mut DbConn, org_id: &OrgId) -> Result<String, ApiError> {
    static PATHS: OnceLock<Mutex<HashMap<OrgId, String>>> = OnceLock::new();
    let paths = PATHS.get_or_init(Default::default);
    if let Some(path) = paths.lock().unwrap_or_else(|p| p.into_inner()).get(org_id) {
        return Ok(path.clone());
    }
    let org = orgs::find(conn, org_id)?.ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "an operator's org unit {org_id} is missing"
        ))
    })?;
    paths
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(org_id.clone(), org.path.clone());
    Ok(org.path)
}

pub async fn create(
    state: &AppState,
    admin: &UnionAdmin,
    cmd: NewOrgCmd,
    ctx: RequestContext,
) -> Result<OrgRow, ApiError> {
    let now = state.clock.now();
    let (admin_org, actor) = (admin.org_id.clone(), admin.auth.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &admin_org)?;
                let parent = orgs::find(c, &cmd.parent_id)?
                    .filter(|p| in_subtree(&p.path, &scope))
                    .ok_or(MemberError::OrgNotFound)?;
                if !parent.level.may_contain(cmd.level) {
                    return Err(MemberError::OrgLevelInvalid.into());
                }
                if orgs::child_named(c, &parent.id, &cmd.name)?.is_some() {
                    return Err(MemberError::OrgDuplicate.into());
                }
                if let Some(code) = &cmd.division_code {
                    if !code_fits(code, cmd.level, parent.division_code.as_deref()) {
                        return Err(ApiError::field(
                            "division_code",
                            FieldIssueKind::Invalid {
                                reason: Rule::DivisionOutsideParent,
                            },
                        ));
                    }
                    if orgs::find_by_division(c, code)?.is_some() {
                        return Err(MemberError::OrgDuplicate.into());
                    }
                }
                let id: OrgId = ids::new_id();
                let path = child_path(&parent.path, id.as_str());
                orgs::insert(
                    c,
                    &NewOrg {
                        id: &id,
                        name: &cmd.name,
                        level: cmd.level,
                        division_code: cmd.division_code.as_deref(),
                        parent_id: Some(&parent.id),
                        path: &path,
                        created_at: now.naive_utc(),
                    },
                )?;
                AuditEvent::new("org.create", "org_unit", &id)
                    .by(&actor, Role::UnionAdmin)
                    .in_org(&parent.id)
                    .detail(
                        serde_json::json!({ "level": cmd.level.as_str(), "parent_id": parent.id }),
                    )
                    .record(c, &ctx)?;
                Ok(orgs::find(c, &id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await
}

/// A child's code must lie inside its parent's and name the child's level; under a parent
/// without a code, nothing proves where it lies.
fn code_fits(code: &str, level: OrgLevel, parent: Option<&str>) -> bool {
    let parse = |raw: &str| DivisionCode::parse(raw).ok();
    match (parse(code), parent.and_then(parse)) {
        (Some(code), Some(parent)) => code.fits_under(level, &parent),
        _ => false,
    }
}

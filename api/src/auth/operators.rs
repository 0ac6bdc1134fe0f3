//! Operator accounts (union admins, legal-aid officers), created or promoted from the command
//! line: `gangonghui admin create`.

use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::ids::{AccountId, GrantId, OrgId};
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::accounts::{self, NewAccount, NewRole};
use gangonghui_persistence::{ids, orgs, write_tx};

use super::{password, session_cache};
use crate::audit::{AuditEvent, RequestContext};
use crate::http::ApiError;
use crate::state::AppState;

/// Which org unit an operator is scoped to.
#[derive(Debug, Clone)]
pub enum OrgRef {
    Division(String),
    Id(OrgId),
}

#[derive(Debug)]
pub struct Operator {
    pub account_id: AccountId,
    pub created: bool,
    pub granted: bool,
    pub org_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("no org unit {0:?}; the province is division 360000, cities 360100..361100")]
    UnknownOrg(OrgRef),
    #[error("a new account needs --password (or GGH_ADMIN_PASSWORD)")]
    PasswordRequired,
    #[error("only union_admin and legal_aid_officer are operator roles")]
    NotOperatorRole,
    #[error(transparent)]
    Api(#[from] ApiError),
}

pub async fn create_or_promote(
    state: &AppState,
    phone: Phone,
    new_password: Option<NewPassword>,
    role: Role,
    org: OrgRef,
    name: Option<DisplayName>,
) -> Result<Operator, OperatorError> {
    let at = state.clock.now();
    if !matches!(role, Role::UnionAdmin | Role::LegalAidOfficer) {
        return Err(OperatorError::NotOperatorRole);
    }
    let hash = match new_password {
        Some(p) => Some(password::hash(p.expose().to_owned()).await?),
        None => None,
    };
    let wanted = org.clone();
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let unit = match &wanted {
                    OrgRef::Division(code) => orgs::find_by_division(c, code)?,
                    OrgRef::Id(id) => orgs::find(c, id)?,
                };
                let Some(unit) = unit else {
                    return Ok::<_, ApiError>(Err(OperatorError::UnknownOrg(wanted.clone())));
                };
                let now = at.naive_utc();
                let (account_id, created) = match accounts::find_by_phone(c, phone.as_str())? {
                    Some(existing) => {
                        if let Some(hash) = &hash {
                            accounts::set_password(c, &existing.id, hash, now)?;
                        }
                        (existing.id, false)
                    }
                    None => {
                        let Some(hash) = &hash else {
                            return Ok(Err(OperatorError::PasswordRequired));
                        };
                        let id: AccountId = ids::new_id();
                        let default_name = if role == Role::UnionAdmin {
                            "工会管理员"
                        } else {
                            "法律援助专员"
                        };
                        let display = name.as_ref().map_or(default_name, DisplayName::as_str);
                        accounts::insert(
                            c,
                            &NewAccount::new(&id, phone.as_str(), Some(hash), display, now),
                        )?;
                        (id, true)
                    }
                };
                let role_id: GrantId = ids::new_id();
                let granted = accounts::grant_role(
                    c,
                    &NewRole {
                        id: &role_id,
                        account_id: &account_id,
                        role,
                        org_id: Some(&unit.id),
                        merchant_id: None,
                        owner: false,
                        created_at: now,
                    },
                )?;
                if granted {
                    AuditEvent::new("operator.grant", "account", &account_id)
                        .in_org(&unit.id)
                        .detail(serde_json::json!({ "role": role.as_str(), "via": "cli" }))
                        .record(c, &RequestContext::outside_request(at))?;
                }
                Ok(Ok(Operator {
                    account_id,
                    created,
                    granted,
                    org_name: unit.name,
                }))
            })
        })
        .await??;
    session_cache::roles_changed(state, &outcome.account_id).await?;
    Ok(outcome)
}

//! Membership: a verified member applies to a grassroots union; an admin of that unit or an
//! ancestor approves (membership active and a card issued in the same transaction) or rejects.
//! Every step is kept as history and audited; admins also set 劳模 level and hardship.

use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, MembershipApplicationId, OrgId};
use gangonghui_domain::membership::{ApplicationStatus, Decision, LaborModelLevel};
use gangonghui_domain::org::{OrgLevel, in_subtree};
use gangonghui_persistence::cards::CardRow;
use gangonghui_persistence::memberships::{self, ApplicationRow, NewApplication};
use gangonghui_persistence::{accounts, ids, orgs, write_tx};

use super::MemberError;
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::{Authenticated, UnionAdmin, profile_cache};
use crate::cards::service::issue;
use crate::http::ApiError;
use crate::orgs::service::scope_path;
use crate::state::AppState;

pub async fn apply(
    state: &AppState,
    auth: &Authenticated,
    org_id: OrgId,
    employer: String,
    ctx: RequestContext,
) -> Result<ApplicationRow, ApiError> {
    let now = state.clock.now();
    let account_id = auth.account_id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let account =
                    accounts::find_by_id(c, &account_id)?.ok_or(MemberError::MemberNotFound)?;
                if account.real_name_verified_at.is_none() {
                    return Err(MemberError::RealNameRequired.into());
                }
                if memberships::membership(c, &account_id)?.is_some() {
                    return Err(MemberError::AlreadyMember.into());
                }
                if memberships::open_application(c, &account_id)?.is_some() {
                    return Err(MemberError::ApplicationOpen.into());
                }
                let org = orgs::find(c, &org_id)?.ok_or(MemberError::OrgNotFound)?;
                if org.level != OrgLevel::Grassroots {
                    return Err(MemberError::NotGrassroots.into());
                }
                let (id, now) = (ids::new_id::<MembershipApplicationId>(), now.naive_utc());
                let pending = ApplicationStatus::Pending;
                memberships::insert_application(
                    c,
                    &NewApplication {
                        id: &id,
                        account_id: &account_id,
                        org_id: &org.id,
                        org_path: &org.path,
                        employer: &employer,
                        status: pending,
                        created_at: now,
                    },
                )?;
                memberships::record_event(
                    c,
                    &id,
                    &account_id,
                    None,
                    pending,
                    Some(&account_id),
                    None,
                    now,
                )?;
                AuditEvent::new("membership.apply", "membership_application", &id)
                    .by(&account_id, Role::Member)
                    .in_org(&org.id)
                    .record(c, &ctx)?;
                Ok(
                    memberships::find_application(c, &id)?
                        .ok_or(diesel::result::Error::NotFound)?,
                )
            })
        })
        .await
}

pub async fn list(
    state: &AppState,
    admin: &UnionAdmin,
    status: Option<ApplicationStatus>,
    after: Option<MembershipApplicationId>,
    limit: i64,
) -> Result<Vec<ApplicationRow>, ApiError> {
    let org = admin.org_id.clone();
    state
        .db(move |conn| {
            let scope = scope_path(conn, &org)?;
            Ok(memberships::applications_in_scope(
                conn,
                &scope,
                status,
                after.as_ref(),
                limit,
            )?)
        })
        .await
}

/// Approves or rejects; approval activates the membership and issues a card atomically.
pub async fn decide(
    state: &AppState,
    admin: &UnionAdmin,
    application_id: MembershipApplicationId,
    decision: Decision,
    reason: Option<String>,
    ctx: RequestContext,
) -> Result<(ApplicationRow, Option<CardRow>), ApiError> {
    let now = state.clock.now();
    let (org, actor, keys) = (
        admin.org_id.clone(),
        admin.auth.account_id.clone(),
        state.data_keys.clone(),
    );
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &org)?;
                let app = memberships::find_application(c, &application_id)?
                    .filter(|a| in_subtree(&a.org_path, &scope))
                    .ok_or(ApiError::NotFound)?;
                if app.account_id == actor {
                    return Err(MemberError::OwnRecord.into());
                }
                let from = app.status;
                let to = from.decide(decision).map_err(|_| MemberError::AlreadyDecided)?;
                let now = now.naive_utc();
                if !memberships::decide(c, &app.id, to, reason.as_deref(), &actor, now)? {
                    return Err(MemberError::AlreadyDecided.into());
                }
                memberships::record_event(c, &app.id, &app.account_id, Some(from), to, Some(&actor), reason.as_deref(), now)?;
                let card = if to == ApplicationStatus::Approved {
                    memberships::activate(c, &app.account_id, &app.org_id, &app.org_path, now)?;
                    Some(issue(c, &keys, &app.account_id, &app.org_path, now)?)
                } else {
                    None
                };
                let action = if card.is_some() { "membership.approve" } else { "membership.reject" };
                AuditEvent::new(action, "membership_application", &app.id)
                    .by(&actor, Role::UnionAdmin)
                    .in_org(&app.org_id)
                    .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "card_id": card.as_ref().map(|c| c.id.clone()) }))
                    .record(c, &ctx)?;
                Ok((memberships::find_application(c, &app.id)?.ok_or(diesel::result::Error::NotFound)?, card))
            })
        })
        .await?;
    profile_cache::refresh(state, &outcome.0.account_id).await?;
    Ok(outcome)
}

pub struct MemberUpdate {
    pub labor_model_level: Option<LaborModelLevel>,
    pub hardship: Option<bool>,
}

/// Sets 劳模 level and hardship of a member whose union lies in the admin's subtree.
pub async fn update_member(
    state: &AppState,
    admin: &UnionAdmin,
    member_id: AccountId,
    update: MemberUpdate,
    ctx: RequestContext,
) -> Result<profile_cache::Profile, ApiError> {
    let now = state.clock.now();
    let (org, actor) = (admin.org_id.clone(), admin.auth.account_id.clone());
    let member = member_id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &org)?;
                let membership = memberships::membership(c, &member)?.filter(|m| in_subtree(&m.org_path, &scope)).ok_or(MemberError::MemberNotFound)?;
                if member == actor {
                    return Err(MemberError::OwnRecord.into());
                }
                let before = accounts::find_by_id(c, &member)?.ok_or(MemberError::MemberNotFound)?;
                let level = update.labor_model_level;
                accounts::set_grades(c, &member, level, update.hardship, now.naive_utc())?;
                AuditEvent::new("member.update", "account", &member)
                    .by(&actor, Role::UnionAdmin)
                    .in_org(&membership.org_id)
                    .detail(serde_json::json!({
                        "labor_model_level": { "from": before.labor_model_level, "to": level.unwrap_or(before.labor_model_level) },
                        "hardship": { "from": before.hardship, "to": update.hardship.unwrap_or(before.hardship) },
                    }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    profile_cache::refresh(state, &member_id).await
}

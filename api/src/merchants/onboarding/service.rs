//! A business applies; a union admin whose subtree holds its city approves (the merchant becomes
//! active and the applicant its owner) or rejects; admins suspend and resume merchants.

use gangonghui_domain::credit_code::CreditCode;
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::geo::Point;
use gangonghui_domain::ids::{MerchantApplicationId, MerchantId};
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::membership::Decision;
use gangonghui_domain::merchant::Category;
use gangonghui_domain::merchant::MerchantStatus;
use gangonghui_domain::org::in_subtree;
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::merchants::{
    self, MerchantApplicationRow, MerchantRow, NewMerchant, NewMerchantApplication,
};
use gangonghui_persistence::{ids, orgs, write_tx};

use crate::audit::{AuditEvent, RequestContext};
use crate::auth::{Authenticated, UnionAdmin, session_cache};
use crate::http::ApiError;
use crate::merchants::{MerchantError, access};
use crate::orgs::service::scope_path;
use crate::state::AppState;

pub struct ApplicationCmd {
    pub name: String,
    pub credit_code: CreditCode,
    pub category: Category,
    pub division_code: String,
    /// 1..=11, from the division code.
    pub city: u8,
    pub address: String,
    pub location: Point,
    pub contact_phone: Phone,
}

pub async fn apply(
    state: &AppState,
    auth: &Authenticated,
    cmd: ApplicationCmd,
    ctx: RequestContext,
) -> Result<MerchantApplicationRow, ApiError> {
    let now = state.clock.now();
    let applicant = auth.account_id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                if merchants::find_by_credit_code(c, cmd.credit_code.as_str())?.is_some() {
                    return Err(MerchantError::CreditCodeTaken.into());
                }
                if merchants::open_application_for(c, cmd.credit_code.as_str())?.is_some() {
                    return Err(MerchantError::ApplicationOpen.into());
                }
                let city_code = DivisionCode::of_city(cmd.city)
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no city {}", cmd.city)))?;
                let city = orgs::find_by_division(c, city_code.as_str())?.ok_or_else(|| {
                    ApiError::internal(anyhow::anyhow!("city {city_code} missing"))
                })?;
                let (id, now) = (ids::new_id::<MerchantApplicationId>(), now.naive_utc());
                merchants::insert_application(
                    c,
                    &NewMerchantApplication {
                        id: &id,
                        applicant_id: &applicant,
                        name: &cmd.name,
                        credit_code: cmd.credit_code.as_str(),
                        category: cmd.category,
                        division_code: &cmd.division_code,
                        org_path: &city.path,
                        address: &cmd.address,
                        lat: cmd.location.lat,
                        lng: cmd.location.lng,
                        contact_phone: cmd.contact_phone.as_str(),
                        status: ApplicationStatus::Pending,
                        created_at: now,
                    },
                )?;
                AuditEvent::new("merchant.apply", "merchant_application", &id)
                    .by(&applicant, Role::Member)
                    .in_org(&city.id)
                    .record(c, &ctx)?;
                Ok(merchants::find_application(c, &id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await
}

pub async fn list(
    state: &AppState,
    admin: &UnionAdmin,
    status: Option<ApplicationStatus>,
    after: Option<MerchantApplicationId>,
    limit: i64,
) -> Result<Vec<MerchantApplicationRow>, ApiError> {
    let org = admin.org_id.clone();
    state
        .db(move |conn| {
            let scope = scope_path(conn, &org)?;
            Ok(merchants::applications_in_scope(
                conn,
                &scope,
                status,
                after.as_ref(),
                limit,
            )?)
        })
        .await
}

/// Approves (merchant active, applicant its owner, one transaction) or rejects with a reason.
pub async fn decide(
    state: &AppState,
    admin: &UnionAdmin,
    application_id: MerchantApplicationId,
    decision: Decision,
    reason: Option<String>,
    ctx: RequestContext,
) -> Result<(MerchantApplicationRow, Option<MerchantRow>), ApiError> {
    let now = state.clock.now();
    let (org, actor) = (admin.org_id.clone(), admin.auth.account_id.clone());
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &org)?;
                let app = merchants::find_application(c, &application_id)?
                    .filter(|a| in_subtree(&a.org_path, &scope))
                    .ok_or(ApiError::NotFound)?;
                let now = now.naive_utc();
                let merchant = match decision {
                    Decision::Approve => {
                        if merchants::find_by_credit_code(c, &app.credit_code)?.is_some() {
                            return Err(MerchantError::CreditCodeTaken.into());
                        }
                        if merchants::merchant_of(c, &app.applicant_id)?.is_some() {
                            return Err(MerchantError::StaffElsewhere.into());
                        }
                        let id: MerchantId = ids::new_id();
                        let city = DivisionCode::parse(&app.division_code)
                            .ok()
                            .and_then(|d| d.city())
                            .map(i32::from)
                            .ok_or_else(|| {
                                ApiError::internal(anyhow::anyhow!("bad stored division code"))
                            })?;
                        merchants::insert(
                            c,
                            &NewMerchant {
                                id: &id,
                                name: &app.name,
                                credit_code: &app.credit_code,
                                category: app.category,
                                division_code: &app.division_code,
                                city,
                                org_path: &app.org_path,
                                address: &app.address,
                                lat: app.lat,
                                lng: app.lng,
                                contact_phone: &app.contact_phone,
                                status: MerchantStatus::Active,
                                created_at: now,
                                updated_at: now,
                            },
                        )?;
                        merchants::add_staff(c, &id, &app.applicant_id, true, now)?;
                        Some(id)
                    }
                    Decision::Reject => None,
                };
                let to = if merchant.is_some() {
                    ApplicationStatus::Approved
                } else {
                    ApplicationStatus::Rejected
                };
                if !merchants::decide_application(
                    c,
                    &app.id,
                    to,
                    reason.as_deref(),
                    merchant.as_ref(),
                    &actor,
                    now,
                )? {
                    return Err(MerchantError::AlreadyDecided.into());
                }
                AuditEvent::new(
                    if merchant.is_some() {
                        "merchant.approve"
                    } else {
                        "merchant.reject"
                    },
                    "merchant_application",
                    &app.id,
                )
                .by(&actor, Role::UnionAdmin)
                .in_org(&org)
                .detail(serde_json::json!({ "merchant_id": merchant }))
                .record(c, &ctx)?;
                let merchant = match merchant {
                    Some(id) => merchants::find(c, &id)?,
                    None => None,
                };
                Ok((
                    merchants::find_application(c, &app.id)?
                        .ok_or(diesel::result::Error::NotFound)?,
                    merchant,
                ))
            })
        })
        .await?;
    if outcome.1.is_some() {
        session_cache::roles_changed(state, &outcome.0.applicant_id).await?;
    }
    Ok(outcome)
}

/// Suspends or resumes a merchant whose city lies in the admin's subtree.
pub async fn set_status(
    state: &AppState,
    admin: &UnionAdmin,
    merchant_id: MerchantId,
    suspend: bool,
    ctx: RequestContext,
) -> Result<MerchantRow, ApiError> {
    let now = state.clock.now();
    let (org, actor) = (admin.org_id.clone(), admin.auth.account_id.clone());
    let (from, to, action) = if suspend {
        (
            MerchantStatus::Active,
            MerchantStatus::Suspended,
            "merchant.suspend",
        )
    } else {
        (
            MerchantStatus::Suspended,
            MerchantStatus::Active,
            "merchant.resume",
        )
    };
    let merchant = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &org)?;
                let merchant = merchants::find(c, &merchant_id)?
                    .filter(|m| in_subtree(&m.org_path, &scope))
                    .ok_or(MerchantError::NotFound)?;
                if !merchants::set_status(c, &merchant.id, from, to, now.naive_utc())? {
                    return Err(MerchantError::InvalidTransition.into());
                }
                AuditEvent::new(action, "merchant", &merchant.id)
                    .by(&actor, Role::UnionAdmin)
                    .in_org(&org)
                    .record(c, &ctx)?;
                Ok(merchants::find(c, &merchant.id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await?;
    access::status_changed(state, &merchant.id, merchant.status).await;
    Ok(merchant)
}

//! Offers: owners create, pause, resume and edit them.

use gangonghui_domain::Role;
use gangonghui_domain::ids::OfferId;
use gangonghui_persistence::offers::{self, OfferChange, OfferRow};
use gangonghui_persistence::{ids, write_tx};

use crate::audit::{AuditEvent, RequestContext};
use crate::http::pagination::Keyset;
use crate::http::{ApiError, FieldIssue, FieldIssueKind, Rule};
use crate::merchants::{MerchantError, MerchantOwner, MerchantStaff};
use crate::state::AppState;

pub async fn create(
    state: &AppState,
    owner: &MerchantOwner,
    mut offer: OfferRow,
    ctx: RequestContext,
) -> Result<OfferRow, ApiError> {
    let now = state.clock.now();
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = now.naive_utc();
                offer.id = ids::new_id();
                offer.merchant_id = merchant.clone();
                offer.created_at = now;
                offer.updated_at = now;
                offers::insert(c, &offer)?;
                AuditEvent::new("offer.create", "offer", &offer.id)
                    .by(&actor, Role::MerchantStaff)
                    .detail(serde_json::json!({ "merchant_id": merchant }))
                    .record(c, &ctx)?;
                Ok(offer)
            })
        })
        .await
}

pub async fn list_own(
    state: &AppState,
    staff: &MerchantStaff,
    page: Keyset,
) -> Result<Vec<OfferRow>, ApiError> {
    let merchant = staff.merchant_id.clone();
    state
        .db(move |conn| {
            let (after, limit) = (page.after_id::<OfferId>(), page.limit + 1);
            Ok(offers::page_for_merchant(
                conn,
                &merchant,
                after.as_ref(),
                limit,
            )?)
        })
        .await
}

/// Applies an owner's change: pause/resume, title, a later or earlier end (not in the past),
/// and a quota not below what is already used.
pub async fn change(
    state: &AppState,
    owner: &MerchantOwner,
    offer_id: OfferId,
    change: OfferChange,
    ctx: RequestContext,
) -> Result<OfferRow, ApiError> {
    let now = state.clock.now();
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let offer = offers::find(c, &offer_id)?.filter(|o| o.merchant_id == merchant).ok_or(MerchantError::OfferNotFound)?;
                let now = now.naive_utc();
                let mut issues = Vec::new();
                if let Some(ends) = change.ends_at
                    && (ends <= now || ends <= offer.starts_at)
                {
                    issues.push(FieldIssue::new("ends_at", FieldIssueKind::Invalid { reason: Rule::EndsAt }));
                }
                if let Some(quota) = change.total_quota
                    && quota < offer.used_quota
                {
                    issues.push(FieldIssue::new("total_quota", FieldIssueKind::BelowMinimum { min: offer.used_quota.to_string() }));
                }
                if !issues.is_empty() {
                    return Err(ApiError::Validation(issues));
                }
                let detail = serde_json::json!({ "status": change.status, "ends_at": change.ends_at, "total_quota": change.total_quota, "title": change.title.is_some() });
                offers::update(c, &offer.id, &merchant, &OfferChange { updated_at: Some(now), ..change })?;
                AuditEvent::new("offer.change", "offer", &offer.id).by(&actor, Role::MerchantStaff).detail(detail).record(c, &ctx)?;
                Ok(offers::find(c, &offer.id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await
}

//! Offers: owners create, pause, resume and edit them; members see the live ones; the counter
//! previews which a presented card may use (verification spends nothing).

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::Role;
use gangonghui_domain::offer::{Audience, LimitPeriod};
use gangonghui_persistence::merchants::{self, MerchantRow};
use gangonghui_persistence::offers::{self, OfferChange, OfferRow};
use gangonghui_persistence::{counter, ids, write_tx};

use super::{MerchantError, MerchantOwner, MerchantStaff};
use crate::audit::{AuditEvent, RequestContext};
use crate::http::{ApiError, FieldIssue, FieldIssueKind};
use crate::members::{MemberError, codes};
use crate::state::AppState;

pub async fn create(
    state: &AppState,
    owner: &MerchantOwner,
    mut offer: OfferRow,
    ctx: RequestContext,
) -> Result<OfferRow, ApiError> {
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = Utc::now().naive_utc();
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

pub async fn list_own(state: &AppState, staff: &MerchantStaff) -> Result<Vec<OfferRow>, ApiError> {
    let merchant = staff.merchant_id.clone();
    state
        .db(move |conn| Ok(offers::for_merchant(conn, &merchant)?))
        .await
}

/// Applies an owner's change: pause/resume, title, a later or earlier end (not in the past),
/// and a quota not below what is already used.
pub async fn change(
    state: &AppState,
    owner: &MerchantOwner,
    offer_id: String,
    change: OfferChange,
    ctx: RequestContext,
) -> Result<OfferRow, ApiError> {
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let offer = offers::find(c, &offer_id)?.filter(|o| o.merchant_id == merchant).ok_or(MerchantError::OfferNotFound)?;
                let now = Utc::now().naive_utc();
                let mut issues = Vec::new();
                if let Some(ends) = change.ends_at
                    && (ends <= now || ends <= offer.starts_at)
                {
                    issues.push(FieldIssue::new("ends_at", FieldIssueKind::Invalid { reason: "ends_at" }));
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

/// An active merchant with its live offers (404 for suspended or unknown merchants).
pub async fn merchant_with_offers(
    state: &AppState,
    merchant_id: String,
) -> Result<(MerchantRow, Vec<OfferRow>), ApiError> {
    state
        .db(move |conn| {
            let merchant = merchants::find(conn, &merchant_id)?
                .filter(|m| m.status == "active")
                .ok_or(MerchantError::NotFound)?;
            let live = offers::live_for_merchant(conn, &merchant.id, Utc::now().naive_utc())?;
            Ok((merchant, live))
        })
        .await
}

/// What the counter sees for a presented code.
pub struct Verification {
    pub card_status: String,
    pub holder_name: String,
    /// Each usable offer with how many more times this member may use it now (`None`: no limit).
    pub eligible: Vec<(OfferRow, Option<i64>)>,
}

/// Checks a code (spending nothing) and lists the offers of this merchant the member may use:
/// one query (see `counter::preview`).
pub async fn verify(
    state: &AppState,
    staff: &MerchantStaff,
    code: String,
    now: DateTime<Utc>,
) -> Result<Verification, ApiError> {
    let (merchant, keys) = (staff.merchant_id.clone(), state.data_keys.clone());
    state
        .db(move |conn| {
            let presented = codes::parse(&code)?;
            let period_keys =
                [LimitPeriod::Day, LimitPeriod::Month, LimitPeriod::Total].map(|p| p.key_at(now));
            let preview = counter::preview(
                conn,
                presented.card_no.as_str(),
                codes::window_at(now),
                &merchant,
                now.naive_utc(),
                &period_keys,
            )?
            .ok_or(MemberError::CardNotFound)?;
            let member = &preview.holder;
            codes::unspent_step(
                &keys,
                &preview.card,
                presented.otp,
                now,
                &preview.spent_steps,
            )?;
            let holder = member
                .legal_name_enc
                .as_deref()
                .and_then(|enc| keys.decrypt(enc).ok())
                .unwrap_or(member.display_name.clone());
            let mut eligible = Vec::new();
            for (offer, uses) in preview.offers {
                let admitted = Audience::parse(&offer.audience)
                    .is_some_and(|a| a.admits(&member.labor_model_level, member.hardship));
                if !admitted {
                    continue;
                }
                let remaining = match (
                    offer.per_member_limit,
                    offer.limit_period.as_deref().and_then(LimitPeriod::parse),
                ) {
                    (Some(limit), Some(period)) => {
                        let key = period.key_at(now);
                        let used = uses.iter().find(|(k, _)| *k == key).map_or(0, |(_, u)| *u);
                        Some(i64::from(limit - used).max(0))
                    }
                    _ => None,
                };
                if remaining != Some(0) {
                    eligible.push((offer, remaining));
                }
            }
            Ok(Verification {
                card_status: preview.card.status.clone(),
                holder_name: mask_name(&holder),
                eligible,
            })
        })
        .await
}

/// `王**`: the first character, the rest hidden (a counter needs to recognise, not to know).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李"), "李");
        assert_eq!(mask_name(""), "");
    }
}

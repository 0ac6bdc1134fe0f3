//! The counter's preview: which offers a presented card may use now (spends nothing).

use chrono::{DateTime, Utc};
use gangonghui_domain::account::mask_name;
use gangonghui_domain::offer::{Holder, LimitPeriod};
use gangonghui_persistence::counter;
use gangonghui_persistence::offers::OfferRow;

use super::guard::Attempt;
use crate::cards::codes;
use crate::http::ApiError;
use crate::membership::MemberError;
use crate::merchants::MerchantStaff;
use crate::metrics::record;
use crate::state::AppState;

/// What the counter sees for a presented code.
pub struct Verification {
    pub card_status: gangonghui_domain::card::CardStatus,
    pub holder_name: String,
    /// Each usable offer with how many more times this member may use it now (`None`: no limit).
    pub eligible: Vec<(OfferRow, Option<i64>)>,
}

/// Checks a code (spending nothing) and lists the offers of this merchant the member may use:
/// one query (see `counter::preview`). Counted against the wrong-code limits (`guard`).
pub async fn verify(
    state: &AppState,
    staff: &MerchantStaff,
    code: String,
    now: DateTime<Utc>,
) -> Result<Verification, ApiError> {
    let attempt = Attempt::begin(state, staff, &code)
        .await
        .inspect_err(|refused| {
            record::verification(refused.answer().code);
        })?;
    let outcome = look_up(state, staff, code, now).await;
    let refused = outcome.as_ref().err().map(|e| e.answer().code);
    record::verification(refused.unwrap_or("ok"));
    attempt.settle(state, refused).await;
    outcome
}

async fn look_up(
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
            // No such card answers as a wrong code: card numbers are not to be enumerated.
            .ok_or(MemberError::CodeInvalid)?;
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
            let grades = Holder {
                labor_model_level: member.labor_model_level,
                hardship: member.hardship,
            };
            let mut eligible = Vec::new();
            for (row, uses) in preview.offers {
                // One offer with broken stored terms must not hide the member's others; the
                // redemption path refuses it on its own.
                let offer = match row.rules() {
                    Ok(offer) => offer,
                    Err(e) => {
                        tracing::error!(error = %e, "offer skipped in verification");
                        continue;
                    }
                };
                if offer.admits(grades, now).is_err() {
                    continue;
                }
                let used = offer.period_key(now).map_or(0, |key| {
                    uses.iter().find(|(k, _)| *k == key).map_or(0, |(_, u)| *u)
                });
                if offer.has_use_left(used).is_ok() {
                    eligible.push((row, offer.remaining_for(used)));
                }
            }
            Ok(Verification {
                card_status: preview.card.status,
                holder_name: mask_name(&holder),
                eligible,
            })
        })
        .await
}

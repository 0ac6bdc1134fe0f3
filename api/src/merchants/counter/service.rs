//! 核销: recording one discounted purchase at the counter. One transaction spends the code,
//! checks the card, offer window, audience and threshold, takes the member's limit and the
//! quota with conditional updates, computes the discount and inserts the redemption. Any refusal
//! rolls everything back: a failed redemption spends nothing.

use chrono::{DateTime, Utc};
use gangonghui_domain::Fen;
use gangonghui_domain::ids::{OfferId, RedemptionId};
use gangonghui_domain::offer::{Holder, QuoteError};
use gangonghui_domain::time::{day_key, shanghai_date};
use gangonghui_persistence::offers;
use gangonghui_persistence::redemptions::{self, RedemptionRow};
use gangonghui_persistence::{DbConn, counter, ids};

use super::dto::RedemptionDto;
use super::guard::Attempt;
use crate::cards::codes;
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::http::idempotency::{self, Keyed, Stored};
use crate::membership::MemberError;
use crate::merchants::{MerchantError, MerchantStaff};
use crate::metrics::record;
use crate::state::AppState;

pub struct RedeemCmd {
    pub code: String,
    pub offer_id: OfferId,
    pub amount: Fen,
}

/// Records a redemption at most once per Idempotency-Key and body: the stored first answer.
pub async fn redeem(
    state: &AppState,
    staff: MerchantStaff,
    key: Keyed,
    cmd: RedeemCmd,
) -> Result<Stored, ApiError> {
    let attempt = Attempt::begin(state, &staff, &cmd.code).await?;
    let outcome = record(state, staff, key, cmd).await;
    let answered = match &outcome {
        Ok(stored) => stored.problem_code(),
        Err(e) => Some(e.answer().code.to_owned()),
    };
    attempt.settle(state, answered.as_deref()).await;
    outcome
}

async fn record(
    state: &AppState,
    staff: MerchantStaff,
    key: Keyed,
    cmd: RedeemCmd,
) -> Result<Stored, ApiError> {
    let (keys, now) = (state.data_keys.clone(), state.clock.now());
    let (stored, amounts) = state
        .db(move |conn| {
            let mut amounts = None;
            let stored = idempotency::once(conn, &key, now, |c| {
                let row = redeem_in(c, &keys, &staff, &cmd, now)?;
                amounts = Some((row.original_fen, row.discount_fen));
                Stored::created(&RedemptionDto::from(row))
            })?;
            Ok((stored, amounts))
        })
        .await?;
    // Only a fresh success committed this redemption: a replay or a refusal rolled it back.
    if let Some((original, discount)) =
        amounts.filter(|_| stored.status.is_success() && !stored.replayed)
    {
        record::redeemed(original, discount);
    }
    Ok(stored)
}

/// The redemption inside the caller's transaction.
pub fn redeem_in(
    conn: &mut DbConn,
    keys: &DataKeys,
    staff: &MerchantStaff,
    cmd: &RedeemCmd,
    now: DateTime<Utc>,
) -> Result<RedemptionRow, ApiError> {
    let presented = codes::parse(&cmd.code);
    let found = match &presented {
        Ok(p) => counter::find_with_offer(conn, p.card_no.as_str(), &cmd.offer_id)?
            .map(|found| (found, p.otp)),
        Err(_) => None,
    };
    let Some(((card, member, offer), otp)) =
        found.filter(|((_, _, offer), _)| offer.merchant_id == staff.merchant_id)
    else {
        // Something is missing or another merchant's: answer in the documented order.
        offers::find(conn, &cmd.offer_id)?
            .filter(|o| o.merchant_id == staff.merchant_id)
            .ok_or(MerchantError::OfferNotFound)?;
        return Err(match presented {
            Err(e) => e.into(),
            // No such card answers as a wrong code: card numbers are not to be enumerated.
            Ok(_) => MemberError::CodeInvalid.into(),
        });
    };
    let step = codes::spend(conn, keys, &card, otp, now)?;
    // After the code is proven right (a refusal rolls its spending back): before, it would
    // tell a guesser whose card this is.
    if member.id == staff.account_id {
        return Err(MerchantError::OwnCard.into());
    }
    let naive_now = now.naive_utc();
    let rules = offer.rules().map_err(ApiError::internal)?;
    let holder = Holder {
        labor_model_level: member.labor_model_level,
        hardship: member.hardship,
    };
    rules.admits(holder, now).map_err(MerchantError::from)?;
    let quote = rules.quote(cmd.amount).map_err(|e| match e {
        QuoteError::BelowThreshold { .. } | QuoteError::NonPositiveAmount => {
            MerchantError::BelowThreshold
        }
    })?;
    // The member's use is taken by one conditional statement: two counters cannot both take
    // the last one.
    let period_key = rules.period_key(now);
    if let (Some(key), Some(limit)) = (&period_key, rules.member_limit)
        && !offers::take_usage(conn, &offer.id, &member.id, key, limit.uses)?
    {
        return Err(MerchantError::LimitReached.into());
    }
    let row = RedemptionRow {
        id: ids::new_id::<RedemptionId>(),
        merchant_id: staff.merchant_id.clone(),
        staff_account_id: staff.account_id.clone(),
        api_key_id: staff.api_key_id.clone(),
        card_id: card.id,
        account_id: member.id,
        offer_id: offer.id,
        original_fen: quote.original.get(),
        discount_fen: quote.discount.get(),
        payable_fen: quote.payable.get(),
        code_step: step,
        period_key,
        local_date: day_key(shanghai_date(now)),
        created_at: naive_now,
    };
    redemptions::insert(conn, &row)?;
    // Last, so the offer's row (shared by every counter of the merchant) is locked only for
    // the rest of the commit.
    if !offers::take_quota(conn, &row.offer_id)? {
        return Err(MerchantError::SoldOut.into());
    }
    Ok(row)
}

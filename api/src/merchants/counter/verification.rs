//! The counter's preview: which offers a presented card may use now (spends nothing).

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::offer::LimitPeriod;
use gangonghui_persistence::counter;
use gangonghui_persistence::offers::OfferRow;

use crate::cards::codes;
use crate::http::ApiError;
use crate::membership::MemberError;
use crate::merchants::MerchantStaff;
use crate::state::AppState;

/// What the counter sees for a presented code.
pub struct Verification {
    pub card_status: gangonghui_domain::card::CardStatus,
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
                if !offer
                    .audience
                    .admits(member.labor_model_level, member.hardship)
                {
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
                card_status: preview.card.status,
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

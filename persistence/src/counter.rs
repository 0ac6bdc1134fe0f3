//! The counter's hot reads, one query each: what a redemption needs (offer, card, holder) and
//! what a preview shows (card, holder, spent steps, the merchant's live offers with the member's
//! use of each).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{MerchantId, OfferId};

use crate::accounts::AccountRow;
use crate::cards::CardRow;
use crate::conn::DbConn;
use crate::offers::{OfferRow, live_at};
use crate::schema::{accounts, card_code_spends, cards, offer_usage, offers};

/// The offer and the card with its holder, in one query: the counter's hot path. `None` when
/// either is missing (the caller then asks which).
pub fn find_with_offer(
    conn: &mut DbConn,
    card_no: &str,
    offer_id: &OfferId,
) -> QueryResult<Option<(CardRow, AccountRow, OfferRow)>> {
    cards::table
        .inner_join(accounts::table)
        .inner_join(offers::table.on(offers::id.eq(offer_id.as_str())))
        .filter(cards::card_no.eq(card_no))
        .select((
            cards::all_columns,
            accounts::all_columns,
            offers::all_columns,
        ))
        .first(conn)
        .optional()
}

/// A member's use of an offer in one period: `(period key, times used)`.
pub type Usage = (String, i32);

/// What a counter's preview of a code reads.
#[derive(Debug, Clone)]
pub struct Preview {
    pub card: CardRow,
    pub holder: AccountRow,
    /// The card's spent steps among those asked for.
    pub spent_steps: Vec<i64>,
    /// The merchant's live offers in creation order, each with the member's usage rows among
    /// the period keys asked for (the caller picks the one of the offer's own period).
    pub offers: Vec<(OfferRow, Vec<Usage>)>,
}

type PreviewRow = (
    CardRow,
    AccountRow,
    Option<i64>,
    Option<OfferRow>,
    Option<String>,
    Option<i32>,
);

/// Everything a preview needs in one round trip: the card by number with its holder, its spent
/// steps in `steps`, and the merchant's live offers at `now` with the holder's usage rows among
/// `period_keys` (rows multiply across the joins; they are folded back here).
pub fn preview(
    conn: &mut DbConn,
    card_no: &str,
    steps: std::ops::RangeInclusive<i64>,
    merchant_id: &MerchantId,
    now: NaiveDateTime,
    period_keys: &[String],
) -> QueryResult<Option<Preview>> {
    let rows: Vec<PreviewRow> = cards::table
        .inner_join(accounts::table)
        .left_join(
            card_code_spends::table.on(card_code_spends::card_id
                .eq(cards::id)
                .and(card_code_spends::step.between(*steps.start(), *steps.end()))),
        )
        .left_join(offers::table.on(live_at(merchant_id.as_str().to_owned(), now)))
        .left_join(
            offer_usage::table.on(offer_usage::offer_id
                .eq(offers::id)
                .and(offer_usage::account_id.eq(cards::account_id))
                .and(offer_usage::period_key.eq_any(period_keys))),
        )
        .filter(cards::card_no.eq(card_no))
        .order((offers::created_at.asc(), offers::id.asc()))
        .select((
            cards::all_columns,
            accounts::all_columns,
            card_code_spends::step.nullable(),
            offers::all_columns.nullable(),
            offer_usage::period_key.nullable(),
            offer_usage::used.nullable(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter().peekable();
    let Some((card, holder, ..)) = rows.peek().cloned() else {
        return Ok(None);
    };
    let mut preview = Preview {
        card,
        holder,
        spent_steps: Vec::new(),
        offers: Vec::new(),
    };
    for (_, _, step, offer, key, used) in rows {
        if let Some(step) = step
            && !preview.spent_steps.contains(&step)
        {
            preview.spent_steps.push(step);
        }
        let Some(offer) = offer else { continue };
        let usage = key.zip(used);
        // Rows of one offer are adjacent (ordered by offer); spent steps repeat them.
        match preview.offers.iter_mut().find(|(o, _)| o.id == offer.id) {
            Some((_, uses)) => {
                if let Some(usage) = usage
                    && !uses.contains(&usage)
                {
                    uses.push(usage);
                }
            }
            None => preview.offers.push((offer, usage.into_iter().collect())),
        }
    }
    Ok(Some(preview))
}

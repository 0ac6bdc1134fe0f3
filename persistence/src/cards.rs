//! Benefit cards, their serial counters and spent counter codes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::ids::{AccountId, CardId};

use crate::accounts::AccountRow;
use crate::conn::DbConn;
use crate::counts;
use crate::schema::{accounts, card_code_spends, card_serials, cards};

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CardRow {
    #[diesel(deserialize_as = String)]
    pub id: CardId,
    #[diesel(deserialize_as = String)]
    pub account_id: AccountId,
    pub card_no: String,
    #[diesel(deserialize_as = String)]
    pub status: CardStatus,
    pub secret_enc: String,
    pub org_path: String,
    pub issued_at: NaiveDateTime,
    pub status_changed_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cards, treat_none_as_default_value = false)]
pub struct NewCard<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a CardId,
    #[diesel(serialize_as = String)]
    pub account_id: &'a AccountId,
    pub card_no: &'a str,
    #[diesel(serialize_as = String)]
    pub status: CardStatus,
    pub secret_enc: &'a str,
    pub org_path: &'a str,
    pub issued_at: NaiveDateTime,
    pub status_changed_at: NaiveDateTime,
}

/// Takes the next serial of a city in one conditional UPDATE ... RETURNING.
pub fn take_serial(conn: &mut DbConn, city: i32) -> QueryResult<i64> {
    take_serials(conn, city, 1)
}

/// Takes `n` consecutive serials of a city at once; the first of them.
pub fn take_serials(conn: &mut DbConn, city: i32, n: i64) -> QueryResult<i64> {
    let next: i64 = diesel::update(card_serials::table.find(city))
        .set(card_serials::next_serial.eq(card_serials::next_serial + n))
        .returning(card_serials::next_serial)
        .get_result(conn)?;
    Ok(next - n)
}

/// Issues a card and counts it for its org (`crate::counts`), in the caller's transaction.
pub fn insert(conn: &mut DbConn, card: &NewCard<'_>) -> QueryResult<()> {
    diesel::insert_into(cards::table)
        .values(card.clone())
        .execute(conn)?;
    counts::add(conn, card.org_path, &counts::card(card.status.as_str()), 1)
}

/// Many cards at once (bulk loading).
pub fn insert_many(conn: &mut DbConn, rows: &[NewCard<'_>]) -> QueryResult<()> {
    crate::copy_in!(conn, cards::table, rows).map(drop)
}

/// The member's card that is not cancelled.
pub fn live_for(conn: &mut DbConn, account_id: &AccountId) -> QueryResult<Option<CardRow>> {
    cards::table
        .filter(cards::account_id.eq(account_id.as_str()))
        .filter(cards::status.ne(CardStatus::Cancelled.as_str()))
        .select(cards::all_columns)
        .first(conn)
        .optional()
}

/// A card by number with its holder and which of `steps` are spent, in one query (a counter's
/// check of a code).
pub fn find_for_check(
    conn: &mut DbConn,
    card_no: &str,
    steps: std::ops::RangeInclusive<i64>,
) -> QueryResult<Option<(CardRow, AccountRow, Vec<i64>)>> {
    let rows: Vec<(CardRow, AccountRow, Option<i64>)> = cards::table
        .inner_join(accounts::table)
        .left_join(
            card_code_spends::table.on(card_code_spends::card_id
                .eq(cards::id)
                .and(card_code_spends::step.between(*steps.start(), *steps.end()))),
        )
        .filter(cards::card_no.eq(card_no))
        .select((
            cards::all_columns,
            accounts::all_columns,
            card_code_spends::step.nullable(),
        ))
        .load(conn)?;
    let spent = rows.iter().filter_map(|(_, _, step)| *step).collect();
    Ok(rows
        .into_iter()
        .next()
        .map(|(card, holder, _)| (card, holder, spent)))
}

pub fn find(conn: &mut DbConn, id: &CardId) -> QueryResult<Option<CardRow>> {
    cards::table
        .find(id.as_str())
        .select(cards::all_columns)
        .first(conn)
        .optional()
}

pub fn count_for(conn: &mut DbConn, account_id: &AccountId) -> QueryResult<i64> {
    cards::table
        .filter(cards::account_id.eq(account_id.as_str()))
        .count()
        .get_result(conn)
}

/// How many of the account's cards were replaced at or after `since` (a card is cancelled only
/// by its replacement).
pub fn replaced_since(
    conn: &mut DbConn,
    account_id: &AccountId,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    cards::table
        .filter(cards::account_id.eq(account_id.as_str()))
        .filter(cards::status.eq(CardStatus::Cancelled.as_str()))
        .filter(cards::status_changed_at.ge(since))
        .count()
        .get_result(conn)
}

/// Moves a card from `from` to `to` in one conditional statement; false if it was not `from`.
pub fn transition(
    conn: &mut DbConn,
    id: &CardId,
    from: CardStatus,
    to: CardStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved: Option<String> = diesel::update(
        cards::table
            .find(id.as_str())
            .filter(cards::status.eq(from.as_str())),
    )
    .set((
        cards::status.eq(to.as_str()),
        cards::status_changed_at.eq(now),
    ))
    .returning(cards::org_path)
    .get_result(conn)
    .optional()?;
    // The card moves from one status count of its org to another (`crate::counts`).
    let Some(org_path) = moved else {
        return Ok(false);
    };
    counts::add(conn, &org_path, &counts::card(from.as_str()), -1)?;
    counts::add(conn, &org_path, &counts::card(to.as_str()), 1)?;
    Ok(true)
}

/// Spends one counter code (card + step); false if it was already spent (the primary key decides,
/// so two replicas spending the same code at once get one `true`).
pub fn spend_code(
    conn: &mut DbConn,
    card_id: &CardId,
    step: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    // ON CONFLICT DO NOTHING: a spent code is a refused row, not an error that would abort a
    // PostgreSQL transaction, so no savepoint round trips are needed.
    let inserted = crate::on_backend!(conn, |c| diesel::insert_into(card_code_spends::table)
        .values((
            card_code_spends::card_id.eq(card_id.as_str()),
            card_code_spends::step.eq(step),
            card_code_spends::spent_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Spent steps of a card at or after `from_step`.
pub fn spent_steps(conn: &mut DbConn, card_id: &CardId, from_step: i64) -> QueryResult<Vec<i64>> {
    card_code_spends::table
        .filter(card_code_spends::card_id.eq(card_id.as_str()))
        .filter(card_code_spends::step.ge(from_step))
        .select(card_code_spends::step)
        .load(conn)
}

/// Up to `limit` active cards (for load generators).
pub fn sample_active(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<CardRow>> {
    cards::table
        .filter(cards::status.eq(CardStatus::Active.as_str()))
        .order(cards::id.asc())
        .limit(limit)
        .select(cards::all_columns)
        .load(conn)
}

//! Redemptions and the idempotency keys of the requests that record them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::schema::{idempotency_keys as idem, redemptions};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = redemptions)]
pub struct RedemptionRow {
    pub id: String,
    pub merchant_id: String,
    pub staff_account_id: String,
    pub api_key_id: Option<String>,
    pub card_id: String,
    pub account_id: String,
    pub offer_id: String,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub code_step: i64,
    pub period_key: Option<String>,
    pub local_date: String,
    pub created_at: NaiveDateTime,
    pub reversed_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, row: &RedemptionRow) -> QueryResult<()> {
    diesel::insert_into(redemptions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn count_for_offer(conn: &mut DbConn, offer_id: &str) -> QueryResult<i64> {
    redemptions::table
        .filter(redemptions::offer_id.eq(offer_id))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct IdempotencyRow {
    pub merchant_id: String,
    pub idem_key: String,
    pub request_hash: String,
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Claims a key for a new request; false when the merchant already used it.
pub fn claim(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(idem::table)
        .values((
            idem::merchant_id.eq(merchant_id),
            idem::idem_key.eq(key),
            idem::request_hash.eq(request_hash),
            idem::state.eq("in_progress"),
            idem::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn find_key(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyRow>> {
    idem::table
        .find((merchant_id, key))
        .select(idem::all_columns)
        .first(conn)
        .optional()
}

/// Takes over a claim whose request never finished (its process died), at most once.
pub fn take_over(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
    stale_before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        idem::table
            .find((merchant_id, key))
            .filter(idem::state.eq("in_progress"))
            .filter(idem::created_at.lt(stale_before)),
    )
    .set(idem::created_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn complete(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
    status: i32,
    body: &str,
) -> QueryResult<()> {
    diesel::update(idem::table.find((merchant_id, key)))
        .set((
            idem::state.eq("done"),
            idem::response_status.eq(status),
            idem::response_body.eq(body),
        ))
        .execute(conn)
        .map(drop)
}

pub fn release(conn: &mut DbConn, merchant_id: &str, key: &str) -> QueryResult<()> {
    diesel::delete(idem::table.find((merchant_id, key)))
        .execute(conn)
        .map(drop)
}

/// Keys older than the retention (24 h) are forgotten.
pub fn forget_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idem::table.filter(idem::created_at.lt(before))).execute(conn)
}

//! Idempotency keys: the stored first answer of each (merchant, key), and the in-flight mark.

use crate::conn::DbConn;
use crate::schema::idempotency_keys as idem;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::MerchantId;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct IdempotencyRow {
    #[diesel(deserialize_as = String)]
    pub merchant_id: MerchantId,
    pub idem_key: String,
    pub request_hash: String,
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find_key(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    key: &str,
) -> QueryResult<Option<IdempotencyRow>> {
    idem::table
        .find((merchant_id.as_str(), key))
        .select(idem::all_columns)
        .first(conn)
        .optional()
}

/// Stores the answer of a key's first completed request; false (nothing written) when the key
/// already has one. ON CONFLICT DO NOTHING, so inside a transaction a settled key is an answer,
/// not an error that would abort it. Rows are written complete, so `state` is always `done`.
pub fn store_answer(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    key: &str,
    request_hash: &str,
    status: i32,
    body: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = crate::on_backend!(conn, |c| diesel::insert_into(idem::table)
        .values((
            idem::merchant_id.eq(merchant_id.as_str()),
            idem::idem_key.eq(key),
            idem::request_hash.eq(request_hash),
            idem::state.eq("done"),
            idem::response_status.eq(Some(status)),
            idem::response_body.eq(Some(body)),
            idem::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Keys older than the retention (24 h) are forgotten.
pub fn forget_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idem::table.filter(idem::created_at.lt(before))).execute(conn)
}

/// Marks a key as in flight for the rest of the caller's transaction, without waiting; false
/// when another transaction holds it. PostgreSQL: a transaction-scoped advisory lock on a 64-bit
/// hash of merchant and key (a backend-specific exception: the shared DSL has no such lock).
/// SQLite runs one writer at a time, so a key can never be in flight twice there: always true.
pub fn try_mark_in_flight(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    key: &str,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    match conn {
        DbConn::Postgresql(pg) => {
            diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked")
                .bind::<diesel::sql_types::Text, _>(format!("{merchant_id}/{key}"))
                .get_result::<Locked>(pg)
                .map(|l| l.locked)
        }
        DbConn::Sqlite(_) => Ok(true),
    }
}

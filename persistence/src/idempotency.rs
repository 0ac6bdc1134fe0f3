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

/// The key's stored row, unless it was stored before `stale_before` (past the retention a key
/// is forgotten, whether or not the background upkeep has deleted its row yet).
pub fn find_key(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    key: &str,
    stale_before: NaiveDateTime,
) -> QueryResult<Option<IdempotencyRow>> {
    idem::table
        .find((merchant_id.as_str(), key))
        .filter(idem::created_at.ge(stale_before))
        .select(idem::all_columns)
        .first(conn)
        .optional()
}

/// Stores the answer of a key's first completed request; false (nothing written) when the key
/// already has one stored at or after `stale_before`. A row older than that is a forgotten key
/// the upkeep has not deleted yet: it is overwritten, as if absent. One upsert whose update
/// only applies to a stale row, so inside a transaction a settled key is an answer, not an error
/// that would abort it. Rows are written complete, so `state` is always `done`.
#[allow(clippy::too_many_arguments)]
pub fn store_answer(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    key: &str,
    request_hash: &str,
    status: i32,
    body: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        idem::request_hash.eq(request_hash),
        idem::state.eq("done"),
        idem::response_status.eq(Some(status)),
        idem::response_body.eq(Some(body)),
        idem::created_at.eq(now),
    );
    let written = crate::on_backend!(conn, |c| {
        let upsert = diesel::insert_into(idem::table)
            .values((
                idem::merchant_id.eq(merchant_id.as_str()),
                idem::idem_key.eq(key),
                row,
            ))
            .on_conflict((idem::merchant_id, idem::idem_key))
            .do_update()
            .set(row);
        // `DO UPDATE .. WHERE`: named in full, as `QueryDsl::filter` has the same name.
        diesel::query_dsl::methods::FilterDsl::filter(upsert, idem::created_at.lt(stale_before))
            .execute(c)
    })?;
    Ok(written == 1)
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
    let lock = format!("{merchant_id}/{key}");
    crate::conn::try_advisory_lock(conn, "pg_try_advisory_xact_lock", &lock)
}

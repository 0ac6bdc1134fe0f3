//! Redemptions, their reversals, and the day and month views over them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{
    AccountId, ApiKeyId, CardId, MerchantId, OfferId, RedemptionId, ReversalId,
};

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::rollup::{self, Delta};
use crate::schema::{redemption_reversals as reversals, redemptions};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = redemptions, treat_none_as_default_value = false)]
pub struct RedemptionRow {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: RedemptionId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub merchant_id: MerchantId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub staff_account_id: AccountId,
    #[diesel(deserialize_as = OptionalId, serialize_as = OptionalId)]
    pub api_key_id: Option<ApiKeyId>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub card_id: CardId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub account_id: AccountId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub offer_id: OfferId,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub code_step: i64,
    pub period_key: Option<String>,
    pub local_date: String,
    pub created_at: NaiveDateTime,
}

/// Records a redemption and adds it to its merchant's month (`crate::rollup`), in the caller's
/// transaction: the figures cannot miss a redemption or count one that rolled back.
pub fn insert(conn: &mut DbConn, row: &RedemptionRow) -> QueryResult<()> {
    diesel::insert_into(redemptions::table)
        .values(row.clone())
        .execute(conn)?;
    rollup::add(
        conn,
        &row.merchant_id,
        month_of(&row.local_date),
        Delta::redemption(row.original_fen, row.discount_fen),
    )
}

/// `YYYY-MM` of a `YYYY-MM-DD` day key.
fn month_of(local_date: &str) -> &str {
    local_date.get(..7).unwrap_or(local_date)
}

/// Many redemptions at once (bulk loading), without the monthly figures: the loader rebuilds
/// them once at the end (`crate::rollup::rebuild`).
pub fn insert_many(conn: &mut DbConn, rows: &[RedemptionRow]) -> QueryResult<()> {
    crate::copy_in!(conn, redemptions::table, rows).map(drop)
}

/// Many reversals at once (bulk loading), like [`insert_many`].
pub fn insert_reversals(conn: &mut DbConn, rows: &[ReversalRow]) -> QueryResult<()> {
    crate::copy_in!(conn, reversals::table, rows).map(drop)
}

/// Whether the ledger holds any redemption.
pub fn any(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        redemptions::table.select(redemptions::id),
    ))
    .get_result(conn)
}

pub fn count_for_offer(conn: &mut DbConn, offer_id: &OfferId) -> QueryResult<i64> {
    redemptions::table
        .filter(redemptions::offer_id.eq(offer_id.as_str()))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = reversals, treat_none_as_default_value = false)]
pub struct ReversalRow {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: ReversalId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub redemption_id: RedemptionId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub merchant_id: MerchantId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub staff_account_id: AccountId,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub local_date: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: &RedemptionId) -> QueryResult<Option<RedemptionRow>> {
    redemptions::table
        .find(id.as_str())
        .select(redemptions::all_columns)
        .first(conn)
        .optional()
}

/// Records a reversal of `redemption`; false if it was already reversed (the unique redemption
/// id refuses a second one; ON CONFLICT DO NOTHING keeps the caller's transaction usable). A
/// reversal takes the purchase out of the month it was made in (`crate::rollup`).
pub fn insert_reversal(
    conn: &mut DbConn,
    row: &ReversalRow,
    redemption: &RedemptionRow,
) -> QueryResult<bool> {
    let inserted = crate::on_backend!(conn, |c| diesel::insert_into(reversals::table)
        .values(row.clone())
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        rollup::add(
            conn,
            &redemption.merchant_id,
            month_of(&redemption.local_date),
            Delta::reversal(redemption.original_fen, redemption.discount_fen),
        )?;
    }
    Ok(inserted == 1)
}

/// Which of these redemptions are reversed.
pub fn reversed_among(conn: &mut DbConn, ids: &[RedemptionId]) -> QueryResult<Vec<RedemptionId>> {
    let ids: Vec<&str> = ids.iter().map(RedemptionId::as_str).collect();
    let reversed: Vec<String> = reversals::table
        .filter(reversals::redemption_id.eq_any(ids))
        .select(reversals::redemption_id)
        .load(conn)?;
    Ok(reversed.into_iter().map(RedemptionId::from).collect())
}

/// A merchant's redemptions of one Asia/Shanghai day, by id, after `after`.
pub fn for_merchant_day(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    local_date: &str,
    after: Option<&RedemptionId>,
    limit: i64,
) -> QueryResult<Vec<RedemptionRow>> {
    let mut query = redemptions::table
        .filter(redemptions::merchant_id.eq(merchant_id.as_str()))
        .filter(redemptions::local_date.eq(local_date))
        .select(redemptions::all_columns)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(redemptions::id.gt(after.as_str()));
    }
    query.order(redemptions::id.asc()).limit(limit).load(conn)
}

/// A merchant's redemptions over all days, newest first, after the position `before` (the
/// `(local_date, id)` of the last row seen). The row comparison bounds one backward range of
/// the `(merchant_id, local_date, id)` index, so the 10,000th page costs what the first does.
pub fn history_for_merchant(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    before: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<RedemptionRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let mut query = redemptions::table
        .filter(redemptions::merchant_id.eq(merchant_id.as_str()))
        .select(redemptions::all_columns)
        .into_boxed();
    if let Some((day, id)) = before {
        query = query.filter(
            sql::<Bool>("(local_date, id) < (")
                .bind::<Text, _>(day.to_owned())
                .sql(", ")
                .bind::<Text, _>(id.to_owned())
                .sql(")"),
        );
    }
    query
        .order((redemptions::local_date.desc(), redemptions::id.desc()))
        .limit(limit)
        .load(conn)
}

/// A member's redemptions, newest first, before `before`.
pub fn for_account(
    conn: &mut DbConn,
    account_id: &AccountId,
    before: Option<&RedemptionId>,
    limit: i64,
) -> QueryResult<Vec<RedemptionRow>> {
    let mut query = redemptions::table
        .filter(redemptions::account_id.eq(account_id.as_str()))
        .select(redemptions::all_columns)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(redemptions::id.lt(before.as_str()));
    }
    query.order(redemptions::id.desc()).limit(limit).load(conn)
}

/// Per-day sums of one month: `(local_date, count, original, discount, payable)`.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayTotals {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub local_date: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub original_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub discount_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub payable_fen: i64,
}

/// Day totals of redemptions (`reversal = false`) or of reversals (`true`) in a month
/// (`YYYY-MM`). Raw SQL because SUM over BIGINT is NUMERIC on PostgreSQL, which diesel's shared
/// types do not cover; the CAST brings both backends back to BIGINT. The placeholder syntax is
/// the one backend difference.
pub fn month_totals(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    month: &str,
    reversal: bool,
) -> QueryResult<Vec<DayTotals>> {
    let table = if reversal {
        "redemption_reversals"
    } else {
        "redemptions"
    };
    let (p1, p2, p3) = (
        conn.placeholder(1),
        conn.placeholder(2),
        conn.placeholder(3),
    );
    // A range, not `LIKE 'YYYY-MM-%'`: PostgreSQL cannot bound an index scan by LIKE under a
    // non-C collation, and read all of a big merchant's history (about a million index
    // entries) for one month. Day keys of the month sort from `-01` to before `-32`.
    let sql = format!(
        "SELECT local_date, COUNT(*) AS n, CAST(SUM(original_fen) AS BIGINT) AS original_fen, \
         CAST(SUM(discount_fen) AS BIGINT) AS discount_fen, CAST(SUM(payable_fen) AS BIGINT) AS payable_fen \
         FROM {table} WHERE merchant_id = {p1} AND local_date >= {p2} AND local_date < {p3} \
         GROUP BY local_date ORDER BY local_date"
    );
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(merchant_id.as_str())
        .bind::<diesel::sql_types::Text, _>(format!("{month}-01"))
        .bind::<diesel::sql_types::Text, _>(format!("{month}-32"))
        .load(conn)
}

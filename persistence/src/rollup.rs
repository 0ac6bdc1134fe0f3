//! `redemption_months`: each merchant's redemption figures per Asia/Shanghai month of purchase,
//! kept by the transactions that write the ledger (see the migration `*_redemption_months`).
//! [`recount`] derives the same figures from the ledger; [`rebuild`] replaces the kept ones
//! with it (after a bulk load, or to repair).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use gangonghui_domain::ids::MerchantId;

use crate::conn::DbConn;
use crate::schema::redemption_months as months;

/// One merchant's figures of one month.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, QueryableByName)]
pub struct MerchantMonth {
    #[diesel(sql_type = Text)]
    pub merchant_id: String,
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub original_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub discount_fen: i64,
}

/// A change to one month's figures: a redemption adds, a reversal takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub n: i64,
    pub original_fen: i64,
    pub discount_fen: i64,
}

impl Delta {
    pub fn redemption(original_fen: i64, discount_fen: i64) -> Delta {
        Delta {
            n: 1,
            original_fen,
            discount_fen,
        }
    }

    pub fn reversal(original_fen: i64, discount_fen: i64) -> Delta {
        Delta {
            n: -1,
            original_fen: -original_fen,
            discount_fen: -discount_fen,
        }
    }
}

/// Adds `delta` to the merchant's month (`YYYY-MM`) in one statement. In the writing
/// transaction, the row's lock orders the merchant's concurrent writes of the same month.
pub fn add(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    month: &str,
    delta: Delta,
) -> QueryResult<()> {
    crate::on_backend!(conn, |c| diesel::insert_into(months::table)
        .values((
            months::merchant_id.eq(merchant_id.as_str()),
            months::month.eq(month),
            months::n.eq(delta.n),
            months::original_fen.eq(delta.original_fen),
            months::discount_fen.eq(delta.discount_fen),
        ))
        .on_conflict((months::merchant_id, months::month))
        .do_update()
        .set((
            months::n.eq(months::n + delta.n),
            months::original_fen.eq(months::original_fen + delta.original_fen),
            months::discount_fen.eq(months::discount_fen + delta.discount_fen),
        ))
        .execute(c))
    .map(drop)
}

/// The kept figures, every merchant and month, in key order.
pub fn kept(conn: &mut DbConn) -> QueryResult<Vec<MerchantMonth>> {
    months::table
        .filter(months::n.ne(0))
        .order((months::merchant_id, months::month))
        .load(conn)
}

/// The recount's SELECT: redemptions not reversed, by merchant and month of purchase.
const RECOUNT: &str = "SELECT r.merchant_id AS merchant_id, SUBSTR(r.local_date, 1, 7) AS month, \
     COUNT(*) AS n, CAST(SUM(r.original_fen) AS BIGINT) AS original_fen, \
     CAST(SUM(r.discount_fen) AS BIGINT) AS discount_fen FROM redemptions r \
     WHERE NOT EXISTS (SELECT 1 FROM redemption_reversals v WHERE v.redemption_id = r.id) \
     GROUP BY r.merchant_id, SUBSTR(r.local_date, 1, 7)";

/// The figures as the ledger says they are, in key order.
pub fn recount(conn: &mut DbConn) -> QueryResult<Vec<MerchantMonth>> {
    diesel::sql_query(format!("{RECOUNT} ORDER BY merchant_id, month")).load(conn)
}

/// Replaces the kept figures with a recount; run in one transaction.
pub fn rebuild(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(months::table).execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO redemption_months (merchant_id, month, n, original_fen, discount_fen) {RECOUNT}"
    ))
    .execute(conn)
}

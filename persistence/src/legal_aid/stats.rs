//! The figures of the statistics overview, each in one grouped statement over a subtree
//! (`org_path LIKE 'scope%'`). Raw SQL where a SUM is involved: SUM over BIGINT is NUMERIC on
//! PostgreSQL, which the CAST brings back to BIGINT on both backends. Every statement answers
//! "totals by key", so a maintained rollup can later answer the same without changing callers.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::merchant::MerchantStatus;

use crate::conn::DbConn;
use crate::counts;

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct KeyCount {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct MonthTotals {
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub original_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub discount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CaseTotals {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub recovered_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DecisionTimes {
    #[diesel(sql_type = Timestamp)]
    pub submitted_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    pub decided_at: NaiveDateTime,
}

fn like(scope_path: &str) -> String {
    format!("{scope_path}%")
}

/// The subtree's head counts, keyed: memberships and cards by status (`member:<status>`,
/// `card:<status>`, one read of the kept counts in `crate::counts`), pending membership
/// applications (`pending_application`) and active merchants (`merchants`).
pub fn headcounts(conn: &mut DbConn, scope_path: &str) -> QueryResult<Vec<KeyCount>> {
    let (p1, p2) = (conn.placeholder(1), conn.placeholder(2));
    let sql = format!(
        "SELECT 'pending_application' AS key, COUNT(*) AS n FROM membership_applications \
         WHERE org_path LIKE {p1} AND status = '{pending}' \
         UNION ALL SELECT 'merchants' AS key, COUNT(*) AS n FROM merchants \
         WHERE org_path LIKE {p2} AND status = '{merchant}'",
        pending = ApplicationStatus::Pending.as_str(),
        merchant = MerchantStatus::Active.as_str()
    );
    let mut rows: Vec<KeyCount> = diesel::sql_query(sql)
        .bind::<Text, _>(like(scope_path))
        .bind::<Text, _>(like(scope_path))
        .load(conn)?;
    rows.extend(
        counts::in_scope(conn, scope_path)?
            .into_iter()
            .map(|(key, n)| KeyCount { key, n }),
    );
    Ok(rows)
}

/// Redemptions at merchants in the subtree that were not reversed, by Asia/Shanghai month of
/// purchase, for months `from_month..until_month` (`YYYY-MM`, end exclusive). Read from the kept
/// monthly figures (`crate::rollup`): a province's 24 months are some 50,000 rows, where the
/// ledger holds millions.
pub fn redemptions_by_month(
    conn: &mut DbConn,
    scope_path: &str,
    from_month: &str,
    until_month: &str,
) -> QueryResult<Vec<MonthTotals>> {
    let (p1, p2, p3) = (
        conn.placeholder(1),
        conn.placeholder(2),
        conn.placeholder(3),
    );
    let sql = format!(
        "SELECT rm.month AS month, CAST(SUM(rm.n) AS BIGINT) AS n, \
         CAST(SUM(rm.original_fen) AS BIGINT) AS original_fen, CAST(SUM(rm.discount_fen) AS BIGINT) AS discount_fen \
         FROM redemption_months rm JOIN merchants m ON m.id = rm.merchant_id \
         WHERE m.org_path LIKE {p1} AND rm.month >= {p2} AND rm.month < {p3} \
         GROUP BY rm.month ORDER BY month"
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(like(scope_path))
        .bind::<Text, _>(from_month)
        .bind::<Text, _>(until_month)
        .load(conn)
}

/// Cases by (status, category) with their recovered amounts.
pub fn cases_by_status_and_category(
    conn: &mut DbConn,
    scope_path: &str,
) -> QueryResult<Vec<CaseTotals>> {
    let p1 = conn.placeholder(1);
    let sql = format!(
        "SELECT status, category, COUNT(*) AS n, CAST(COALESCE(SUM(recovered_fen), 0) AS BIGINT) AS recovered_fen \
         FROM legal_aid_cases WHERE org_path LIKE {p1} GROUP BY status, category"
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(like(scope_path))
        .load(conn)
}

/// Submitted cases whose review was due before `now`.
pub fn overdue_reviews(
    conn: &mut DbConn,
    scope_path: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    use super::schema::legal_aid_cases as cases;
    cases::table
        .filter(cases::org_path.like(like(scope_path)))
        .filter(cases::status.eq(CaseStatus::Submitted.as_str()))
        .filter(cases::review_due_at.lt(now))
        .count()
        .get_result(conn)
}

/// When each decided case was submitted and first decided (for the median time to decision).
pub fn decision_times(conn: &mut DbConn, scope_path: &str) -> QueryResult<Vec<DecisionTimes>> {
    use super::schema::legal_aid_cases as cases;
    cases::table
        .filter(cases::org_path.like(like(scope_path)))
        .filter(cases::decided_at.is_not_null())
        .select((cases::submitted_at, cases::decided_at.assume_not_null()))
        .load::<(NaiveDateTime, NaiveDateTime)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(submitted_at, decided_at)| DecisionTimes {
                    submitted_at,
                    decided_at,
                })
                .collect()
        })
}

//! `org_counts`: memberships and cards per org path and status, kept by the functions that
//! insert them or change their status, in the caller's transaction (see the migration
//! `*_org_counts`). [`recount`] derives the same from the tables; [`rebuild`] replaces the kept
//! counts with it (after a bulk load, which writes around these functions).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::conn::DbConn;
use crate::schema::org_counts;

/// One count: `kind` is `member:<status>` or `card:<status>`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, QueryableByName)]
pub struct OrgCount {
    #[diesel(sql_type = Text)]
    pub org_path: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

pub fn member(status: &str) -> String {
    format!("member:{status}")
}

pub fn card(status: &str) -> String {
    format!("card:{status}")
}

/// Adds `delta` to one count in one statement; the row's lock orders concurrent changes.
pub fn add(conn: &mut DbConn, org_path: &str, kind: &str, delta: i64) -> QueryResult<()> {
    crate::on_backend!(conn, |c| diesel::insert_into(org_counts::table)
        .values((
            org_counts::org_path.eq(org_path),
            org_counts::kind.eq(kind),
            org_counts::n.eq(delta),
        ))
        .on_conflict((org_counts::org_path, org_counts::kind))
        .do_update()
        .set(org_counts::n.eq(org_counts::n + delta))
        .execute(c))
    .map(drop)
}

/// The counts of a subtree (`org_path LIKE 'scope%'`) by kind.
pub fn in_scope(conn: &mut DbConn, scope_path: &str) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<OrgCount> = org_counts::table
        .filter(org_counts::org_path.like(format!("{scope_path}%")))
        .load(conn)?;
    let mut totals: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for row in rows {
        *totals.entry(row.kind).or_default() += row.n;
    }
    Ok(totals.into_iter().collect())
}

/// The kept counts, those not zero, in key order.
pub fn kept(conn: &mut DbConn) -> QueryResult<Vec<OrgCount>> {
    org_counts::table
        .filter(org_counts::n.ne(0))
        .order((org_counts::org_path, org_counts::kind))
        .load(conn)
}

const RECOUNT: &str = "SELECT org_path, 'member:' || status AS kind, COUNT(*) AS n FROM memberships \
     GROUP BY org_path, status UNION ALL \
     SELECT org_path, 'card:' || status AS kind, COUNT(*) AS n FROM cards GROUP BY org_path, status";

/// The counts as the tables say they are, in key order.
pub fn recount(conn: &mut DbConn) -> QueryResult<Vec<OrgCount>> {
    diesel::sql_query(format!(
        "SELECT * FROM ({RECOUNT}) c ORDER BY org_path, kind"
    ))
    .load(conn)
}

/// Replaces the kept counts with a recount; run in one transaction.
pub fn rebuild(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(org_counts::table).execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO org_counts (org_path, kind, n) {RECOUNT}"
    ))
    .execute(conn)
}

//! Union org units: a tree kept as materialised paths, so "is X in Y's subtree" and "everything
//! under Y" are prefix comparisons on one indexed column, the same on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::schema::org_units;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub level: String,
    pub division_code: Option<String>,
    pub parent_id: Option<String>,
    pub path: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrgRow>> {
    org_units::table
        .find(id)
        .select(org_units::all_columns)
        .first(conn)
        .optional()
}

pub fn find_by_division(conn: &mut DbConn, code: &str) -> QueryResult<Option<OrgRow>> {
    org_units::table
        .filter(org_units::division_code.eq(code))
        .select(org_units::all_columns)
        .first(conn)
        .optional()
}

//! Union org units: a tree kept as materialised paths, so "is X in Y's subtree" and "everything
//! under Y" are prefix comparisons on one indexed column, the same on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::OrgId;
use gangonghui_domain::org::OrgLevel;

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::org_units;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct OrgRow {
    #[diesel(deserialize_as = String)]
    pub id: OrgId,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub level: OrgLevel,
    pub division_code: Option<String>,
    #[diesel(deserialize_as = OptionalId)]
    pub parent_id: Option<OrgId>,
    pub path: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: &OrgId) -> QueryResult<Option<OrgRow>> {
    org_units::table
        .find(id.as_str())
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

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = org_units)]
pub struct NewOrg<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a OrgId,
    pub name: &'a str,
    #[diesel(serialize_as = String)]
    pub level: OrgLevel,
    pub division_code: Option<&'a str>,
    #[diesel(serialize_as = OptionalId)]
    pub parent_id: Option<&'a OrgId>,
    pub path: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, org: &NewOrg<'_>) -> QueryResult<()> {
    diesel::insert_into(org_units::table)
        .values(org.clone())
        .execute(conn)
        .map(drop)
}

/// Children of `parent` (roots when `None`), by name, after the keyset `after` (an id).
pub fn children(
    conn: &mut DbConn,
    parent: Option<&OrgId>,
    after: Option<&OrgId>,
    limit: i64,
) -> QueryResult<Vec<OrgRow>> {
    let mut query = org_units::table.select(org_units::all_columns).into_boxed();
    query = match parent {
        Some(p) => query.filter(org_units::parent_id.eq(p.as_str())),
        None => query.filter(org_units::parent_id.is_null()),
    };
    if let Some(after) = after {
        query = query.filter(org_units::id.gt(after.as_str()));
    }
    query.order(org_units::id.asc()).limit(limit).load(conn)
}

/// The unit with the given name directly under `parent`, if any (names are unique per parent).
pub fn child_named(conn: &mut DbConn, parent: &OrgId, name: &str) -> QueryResult<Option<OrgRow>> {
    org_units::table
        .filter(org_units::parent_id.eq(parent.as_str()))
        .filter(org_units::name.eq(name))
        .select(org_units::all_columns)
        .first(conn)
        .optional()
}

/// The ancestors-and-self chain of a unit, root first, from its path.
pub fn chain(conn: &mut DbConn, path: &str) -> QueryResult<Vec<OrgRow>> {
    let ids: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut rows: Vec<OrgRow> = org_units::table
        .filter(org_units::id.eq_any(&ids))
        .select(org_units::all_columns)
        .load(conn)?;
    rows.sort_by_key(|r| r.path.len());
    Ok(rows)
}

/// A unit by exact name (for fixtures such as the demo data; names repeat across the tree).
pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<OrgRow>> {
    org_units::table
        .filter(org_units::name.eq(name))
        .select(org_units::all_columns)
        .first(conn)
        .optional()
}

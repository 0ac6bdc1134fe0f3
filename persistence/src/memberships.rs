//! Membership applications, their history, and active memberships.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, MembershipApplicationId, OrgId};
use gangonghui_domain::membership::{ApplicationStatus, MembershipStatus};

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::{membership_applications as apps, membership_events as events, memberships};
use crate::scope::page_in_scope;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ApplicationRow {
    #[diesel(deserialize_as = String)]
    pub id: MembershipApplicationId,
    #[diesel(deserialize_as = String)]
    pub account_id: AccountId,
    #[diesel(deserialize_as = String)]
    pub org_id: OrgId,
    pub org_path: String,
    pub employer: String,
    #[diesel(deserialize_as = String)]
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptionalId)]
    pub decided_by: Option<AccountId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = apps)]
pub struct NewApplication<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a MembershipApplicationId,
    #[diesel(serialize_as = String)]
    pub account_id: &'a AccountId,
    #[diesel(serialize_as = String)]
    pub org_id: &'a OrgId,
    pub org_path: &'a str,
    pub employer: &'a str,
    #[diesel(serialize_as = String)]
    pub status: ApplicationStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MembershipRow {
    #[diesel(deserialize_as = String)]
    pub account_id: AccountId,
    #[diesel(deserialize_as = String)]
    pub org_id: OrgId,
    pub org_path: String,
    #[diesel(deserialize_as = String)]
    pub status: MembershipStatus,
    pub since: NaiveDateTime,
}

pub fn insert_application(conn: &mut DbConn, app: &NewApplication<'_>) -> QueryResult<()> {
    diesel::insert_into(apps::table)
        .values(app.clone())
        .execute(conn)
        .map(drop)
}

pub fn open_application(
    conn: &mut DbConn,
    account_id: &AccountId,
) -> QueryResult<Option<ApplicationRow>> {
    apps::table
        .filter(apps::account_id.eq(account_id.as_str()))
        .filter(apps::status.eq(ApplicationStatus::Pending.as_str()))
        .select(apps::all_columns)
        .first(conn)
        .optional()
}

pub fn find_application(
    conn: &mut DbConn,
    id: &MembershipApplicationId,
) -> QueryResult<Option<ApplicationRow>> {
    apps::table
        .find(id.as_str())
        .select(apps::all_columns)
        .first(conn)
        .optional()
}

/// Applications in the subtree at `scope_path`, optionally by status, oldest first, after `after`.
pub fn applications_in_scope(
    conn: &mut DbConn,
    scope_path: &str,
    status: Option<ApplicationStatus>,
    after: Option<&MembershipApplicationId>,
    limit: i64,
) -> QueryResult<Vec<ApplicationRow>> {
    page_in_scope!(apps, conn, scope_path, status, after, limit)
}

/// Decides a pending application in one conditional statement; false if it was not pending.
pub fn decide(
    conn: &mut DbConn,
    id: &MembershipApplicationId,
    to: ApplicationStatus,
    reason: Option<&str>,
    by: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let pending = apps::status.eq(ApplicationStatus::Pending.as_str());
    let updated = diesel::update(apps::table.find(id.as_str()).filter(pending))
        .set((
            apps::status.eq(to.as_str()),
            apps::reason.eq(reason),
            apps::decided_at.eq(now),
            apps::decided_by.eq(by.as_str()),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

#[allow(clippy::too_many_arguments)]
pub fn record_event(
    conn: &mut DbConn,
    application_id: &MembershipApplicationId,
    account_id: &AccountId,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    actor: Option<&AccountId>,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::application_id.eq(application_id.as_str()),
            events::account_id.eq(account_id.as_str()),
            events::from_status.eq(from.map(ApplicationStatus::as_str)),
            events::to_status.eq(to.as_str()),
            events::actor_id.eq(actor.map(AccountId::as_str)),
            events::reason.eq(reason),
            events::at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn membership(conn: &mut DbConn, account_id: &AccountId) -> QueryResult<Option<MembershipRow>> {
    memberships::table
        .find(account_id.as_str())
        .select(memberships::all_columns)
        .first(conn)
        .optional()
}

/// A membership as bulk loading writes it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = memberships, treat_none_as_default_value = false)]
pub struct NewMembership<'a> {
    #[diesel(serialize_as = String)]
    pub account_id: &'a AccountId,
    #[diesel(serialize_as = String)]
    pub org_id: &'a OrgId,
    pub org_path: &'a str,
    #[diesel(serialize_as = String)]
    pub status: MembershipStatus,
    pub since: NaiveDateTime,
}

/// Many memberships at once (bulk loading).
pub fn insert_many(conn: &mut DbConn, rows: &[NewMembership<'_>]) -> QueryResult<()> {
    crate::copy_in!(conn, memberships::table, rows).map(drop)
}

pub fn activate(
    conn: &mut DbConn,
    account_id: &AccountId,
    org_id: &OrgId,
    org_path: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::account_id.eq(account_id.as_str()),
            memberships::org_id.eq(org_id.as_str()),
            memberships::org_path.eq(org_path),
            memberships::status.eq(MembershipStatus::Active.as_str()),
            memberships::since.eq(now),
        ))
        .execute(conn)?;
    crate::counts::add(
        conn,
        org_path,
        &crate::counts::member(MembershipStatus::Active.as_str()),
        1,
    )
}

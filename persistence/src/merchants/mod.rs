//! Merchant applications, merchants, their staff, staff invitations and POS API keys.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, MerchantApplicationId, MerchantId};
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::merchant::{Category, MerchantStatus};

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::{merchant_applications as apps, merchants};
use crate::scope::page_in_scope;

mod api_keys;
pub mod invitations;
mod staff;

pub use api_keys::*;
pub use staff::*;

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct MerchantApplicationRow {
    #[diesel(deserialize_as = String)]
    pub id: MerchantApplicationId,
    #[diesel(deserialize_as = String)]
    pub applicant_id: AccountId,
    pub name: String,
    pub credit_code: String,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    pub division_code: String,
    pub org_path: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    #[diesel(deserialize_as = String)]
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    #[diesel(deserialize_as = OptionalId)]
    pub merchant_id: Option<MerchantId>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptionalId)]
    pub decided_by: Option<AccountId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = apps)]
pub struct NewMerchantApplication<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a MerchantApplicationId,
    #[diesel(serialize_as = String)]
    pub applicant_id: &'a AccountId,
    pub name: &'a str,
    pub credit_code: &'a str,
    #[diesel(serialize_as = String)]
    pub category: Category,
    pub division_code: &'a str,
    pub org_path: &'a str,
    pub address: &'a str,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: &'a str,
    #[diesel(serialize_as = String)]
    pub status: ApplicationStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct MerchantRow {
    #[diesel(deserialize_as = String)]
    pub id: MerchantId,
    pub name: String,
    pub credit_code: String,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    pub division_code: String,
    pub city: i32,
    pub org_path: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    #[diesel(deserialize_as = String)]
    pub status: MerchantStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = merchants)]
pub struct NewMerchant<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a MerchantId,
    pub name: &'a str,
    pub credit_code: &'a str,
    #[diesel(serialize_as = String)]
    pub category: Category,
    pub division_code: &'a str,
    pub city: i32,
    pub org_path: &'a str,
    pub address: &'a str,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: &'a str,
    #[diesel(serialize_as = String)]
    pub status: MerchantStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_application(conn: &mut DbConn, app: &NewMerchantApplication<'_>) -> QueryResult<()> {
    diesel::insert_into(apps::table)
        .values(app.clone())
        .execute(conn)
        .map(drop)
}

pub fn find_application(
    conn: &mut DbConn,
    id: &MerchantApplicationId,
) -> QueryResult<Option<MerchantApplicationRow>> {
    apps::table
        .find(id.as_str())
        .select(apps::all_columns)
        .first(conn)
        .optional()
}

pub fn open_application_for(
    conn: &mut DbConn,
    credit_code: &str,
) -> QueryResult<Option<MerchantApplicationRow>> {
    apps::table
        .filter(apps::credit_code.eq(credit_code))
        .filter(apps::status.eq(ApplicationStatus::Pending.as_str()))
        .select(apps::all_columns)
        .first(conn)
        .optional()
}

/// Applications in the subtree at `scope_path`, optionally by status, oldest first, after `after`.
pub fn applications_in_scope(
    conn: &mut DbConn,
    scope_path: &str,
    status: Option<ApplicationStatus>,
    after: Option<&MerchantApplicationId>,
    limit: i64,
) -> QueryResult<Vec<MerchantApplicationRow>> {
    page_in_scope!(apps, conn, scope_path, status, after, limit)
}

/// Decides a pending application in one conditional statement; false if it was not pending.
pub fn decide_application(
    conn: &mut DbConn,
    id: &MerchantApplicationId,
    to: ApplicationStatus,
    reason: Option<&str>,
    merchant_id: Option<&MerchantId>,
    by: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let pending = apps::status.eq(ApplicationStatus::Pending.as_str());
    let updated = diesel::update(apps::table.find(id.as_str()).filter(pending))
        .set((
            apps::status.eq(to.as_str()),
            apps::reason.eq(reason),
            apps::merchant_id.eq(merchant_id.map(MerchantId::as_str)),
            apps::decided_at.eq(now),
            apps::decided_by.eq(by.as_str()),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

pub fn insert(conn: &mut DbConn, merchant: &NewMerchant<'_>) -> QueryResult<()> {
    diesel::insert_into(merchants::table)
        .values(merchant.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &MerchantId) -> QueryResult<Option<MerchantRow>> {
    merchants::table
        .find(id.as_str())
        .select(merchants::all_columns)
        .first(conn)
        .optional()
}

pub fn find_by_credit_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<MerchantRow>> {
    merchants::table
        .filter(merchants::credit_code.eq(code))
        .select(merchants::all_columns)
        .first(conn)
        .optional()
}

/// Moves a merchant between `active` and `suspended`; false if it was not `from`.
pub fn set_status(
    conn: &mut DbConn,
    id: &MerchantId,
    from: MerchantStatus,
    to: MerchantStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let current = merchants::status.eq(from.as_str());
    let updated = diesel::update(merchants::table.find(id.as_str()).filter(current))
        .set((
            merchants::status.eq(to.as_str()),
            merchants::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// What a merchant search may filter by.
#[derive(Debug, Clone, Default)]
pub struct MerchantFilter {
    pub city: Option<i32>,
    pub category: Option<Category>,
    /// A substring of the name.
    pub name: Option<String>,
    /// Only merchants inside this box (lat/lng degrees).
    pub within: Option<(f64, f64, f64, f64)>,
    pub after: Option<MerchantId>,
}

/// Active merchants matching `filter`, by id, at most `limit`.
pub fn search(
    conn: &mut DbConn,
    filter: &MerchantFilter,
    limit: i64,
) -> QueryResult<Vec<MerchantRow>> {
    let mut query = merchants::table
        .filter(merchants::status.eq(MerchantStatus::Active.as_str()))
        .select(merchants::all_columns)
        .into_boxed();
    if let Some(city) = filter.city {
        query = query.filter(merchants::city.eq(city));
    }
    if let Some(category) = &filter.category {
        query = query.filter(merchants::category.eq(category.as_str()));
    }
    if let Some(name) = &filter.name {
        // `like` is case-sensitive on PostgreSQL and not for ASCII on SQLite; Chinese names,
        // the common case, match the same on both.
        let pattern = format!(
            "%{}%",
            name.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(merchants::name.like(pattern).escape('\\'));
    }
    if let Some((min_lat, max_lat, min_lng, max_lng)) = filter.within {
        query = query
            .filter(merchants::lat.between(min_lat, max_lat))
            .filter(merchants::lng.between(min_lng, max_lng));
    }
    if let Some(after) = &filter.after {
        query = query.filter(merchants::id.gt(after.as_str().to_owned()));
    }
    query.order(merchants::id.asc()).limit(limit).load(conn)
}

/// Holds the merchant's row lock until the transaction ends (a write that changes nothing), so
/// writes that count the merchant's rows before adding one take turns on PostgreSQL; SQLite's
/// IMMEDIATE transaction already makes every writer wait its turn. False if there is no merchant.
pub fn lock(conn: &mut DbConn, id: &MerchantId) -> QueryResult<bool> {
    let updated = diesel::update(merchants::table.find(id.as_str()))
        .set(merchants::updated_at.eq(merchants::updated_at))
        .execute(conn)?;
    Ok(updated == 1)
}

/// A merchant's status, if it exists.
pub fn status(conn: &mut DbConn, id: &MerchantId) -> QueryResult<Option<MerchantStatus>> {
    let status: Option<String> = merchants::table
        .find(id.as_str())
        .select(merchants::status)
        .first(conn)
        .optional()?;
    status.map(crate::stored::parse).transpose()
}

//! Accounts and the roles granted to them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, GrantId, MerchantId, OrgId};
use gangonghui_domain::membership::LaborModelLevel;

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::{account_roles, accounts};

#[derive(Debug, Clone, Queryable)]
pub struct AccountRow {
    #[diesel(deserialize_as = String)]
    pub id: AccountId,
    pub phone: String,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub legal_name_enc: Option<String>,
    pub id_number_enc: Option<String>,
    pub id_number_index: Option<String>,
    pub id_number_masked: Option<String>,
    pub real_name_verified_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub labor_model_level: LaborModelLevel,
    pub hardship: bool,
    pub password_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = accounts, treat_none_as_default_value = false)]
pub struct NewAccount<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a AccountId,
    pub phone: &'a str,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    #[diesel(serialize_as = String)]
    pub labor_model_level: LaborModelLevel,
    pub hardship: bool,
    pub password_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl<'a> NewAccount<'a> {
    /// A new account as every path creates it: no 劳模 level, no hardship, created `now`.
    pub fn new(
        id: &'a AccountId,
        phone: &'a str,
        password_hash: Option<&'a str>,
        display_name: &'a str,
        now: NaiveDateTime,
    ) -> Self {
        NewAccount {
            id,
            phone,
            password_hash,
            display_name,
            labor_model_level: LaborModelLevel::None,
            hardship: false,
            password_changed_at: now,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Encrypted real-name data; the plaintext never reaches this layer.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct RealNameUpdate<'a> {
    pub legal_name_enc: Option<&'a str>,
    pub id_number_enc: Option<&'a str>,
    pub id_number_index: Option<&'a str>,
    pub id_number_masked: Option<&'a str>,
    pub real_name_verified_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct RoleRow {
    #[diesel(deserialize_as = String)]
    pub id: GrantId,
    #[diesel(deserialize_as = String)]
    pub account_id: AccountId,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    #[diesel(deserialize_as = OptionalId)]
    pub org_id: Option<OrgId>,
    #[diesel(deserialize_as = OptionalId)]
    pub merchant_id: Option<MerchantId>,
    pub owner: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_roles)]
pub struct NewRole<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a GrantId,
    #[diesel(serialize_as = String)]
    pub account_id: &'a AccountId,
    #[diesel(serialize_as = String)]
    pub role: Role,
    #[diesel(serialize_as = OptionalId)]
    pub org_id: Option<&'a OrgId>,
    #[diesel(serialize_as = OptionalId)]
    pub merchant_id: Option<&'a MerchantId>,
    pub owner: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, account: &NewAccount<'_>) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values(account.clone())
        .execute(conn)
        .map(drop)
}

/// Many accounts at once (bulk loading).
pub fn insert_many(conn: &mut DbConn, rows: &[NewAccount<'_>]) -> QueryResult<()> {
    crate::copy_in!(conn, accounts::table, rows).map(drop)
}

pub fn find_by_id(conn: &mut DbConn, id: &AccountId) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id.as_str())
        .select(accounts::all_columns)
        .first(conn)
        .optional()
}

pub fn find_by_phone(conn: &mut DbConn, phone: &str) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::phone.eq(phone))
        .select(accounts::all_columns)
        .first(conn)
        .optional()
}

/// The account that already holds this blind index, if any.
pub fn find_by_id_number_index(conn: &mut DbConn, index: &str) -> QueryResult<Option<AccountId>> {
    let id: Option<String> = accounts::table
        .filter(accounts::id_number_index.eq(index))
        .select(accounts::id)
        .first(conn)
        .optional()?;
    Ok(id.map(AccountId::from))
}

pub fn set_password(
    conn: &mut DbConn,
    id: &AccountId,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id.as_str()))
        .set((
            accounts::password_hash.eq(hash),
            accounts::password_changed_at.eq(at),
            accounts::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Stores a verified real name, only while the account has none: 0 rows when it already has
/// one (one conditional statement, so parallel attempts cannot both store theirs).
pub fn set_real_name(
    conn: &mut DbConn,
    id: &AccountId,
    update: &RealNameUpdate<'_>,
) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .find(id.as_str())
            .filter(accounts::real_name_verified_at.is_null()),
    )
    .set(update)
    .execute(conn)
}

pub fn roles(conn: &mut DbConn, account_id: &AccountId) -> QueryResult<Vec<RoleRow>> {
    account_roles::table
        .filter(account_roles::account_id.eq(account_id.as_str()))
        .order(account_roles::created_at.asc())
        .select(account_roles::all_columns)
        .load(conn)
}

/// Grants a role unless the account already holds exactly this grant; true when granted now.
pub fn grant_role(conn: &mut DbConn, grant: &NewRole<'_>) -> QueryResult<bool> {
    let mut query = account_roles::table
        .filter(account_roles::account_id.eq(grant.account_id.as_str()))
        .filter(account_roles::role.eq(grant.role.as_str()))
        .into_boxed();
    query = match grant.org_id {
        Some(org) => query.filter(account_roles::org_id.eq(org.as_str())),
        None => query.filter(account_roles::org_id.is_null()),
    };
    query = match grant.merchant_id {
        Some(merchant) => query.filter(account_roles::merchant_id.eq(merchant.as_str())),
        None => query.filter(account_roles::merchant_id.is_null()),
    };
    let existing: i64 = query.count().get_result(conn)?;
    if existing > 0 {
        return Ok(false);
    }
    diesel::insert_into(account_roles::table)
        .values(grant.clone())
        .execute(conn)?;
    Ok(true)
}

/// Sets the 劳模 level and hardship flag (each only when given).
pub fn set_grades(
    conn: &mut DbConn,
    id: &AccountId,
    labor_model_level: Option<LaborModelLevel>,
    hardship: Option<bool>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    if let Some(level) = labor_model_level {
        diesel::update(accounts::table.find(id.as_str()))
            .set(accounts::labor_model_level.eq(level.as_str()))
            .execute(conn)?;
    }
    if let Some(flag) = hardship {
        diesel::update(accounts::table.find(id.as_str()))
            .set(accounts::hardship.eq(flag))
            .execute(conn)?;
    }
    diesel::update(accounts::table.find(id.as_str()))
        .set(accounts::updated_at.eq(at))
        .execute(conn)
}

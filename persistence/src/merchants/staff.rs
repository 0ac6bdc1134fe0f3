//! A merchant's staff: accounts holding the merchant_staff role for it, one owner among them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::Role;

use crate::accounts::AccountRow;
use crate::conn::DbConn;
use crate::schema::{account_roles, accounts};

/// The staff of a merchant: (account id, owner).
pub fn staff(conn: &mut DbConn, merchant_id: &str) -> QueryResult<Vec<(String, bool)>> {
    account_roles::table
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::merchant_id.eq(merchant_id))
        .order(account_roles::created_at.asc())
        .select((account_roles::account_id, account_roles::owner))
        .load(conn)
}

/// One page of a merchant's staff with their accounts, by account id: `limit` after `after`.
pub fn staff_page(
    conn: &mut DbConn,
    merchant_id: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(AccountRow, bool)>> {
    let mut query = account_roles::table
        .inner_join(accounts::table.on(accounts::id.eq(account_roles::account_id)))
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::merchant_id.eq(merchant_id))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(account_roles::account_id.gt(after.to_owned()));
    }
    query
        .order(account_roles::account_id.asc())
        .limit(limit)
        .select((accounts::all_columns, account_roles::owner))
        .load(conn)
}

/// The merchant an account is staff of, if any.
pub fn merchant_of(conn: &mut DbConn, account_id: &str) -> QueryResult<Option<String>> {
    account_roles::table
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::account_id.eq(account_id))
        .select(account_roles::merchant_id)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Makes an account staff (or the owner) of a merchant; false if it already was.
pub fn add_staff(
    conn: &mut DbConn,
    merchant_id: &str,
    account_id: &str,
    owner: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let id = crate::ids::new_id();
    crate::accounts::grant_role(
        conn,
        &crate::accounts::NewRole {
            id: &id,
            account_id,
            role: Role::MerchantStaff,
            org_id: None,
            merchant_id: Some(merchant_id),
            owner,
            created_at: now,
        },
    )
}

/// Removes a non-owner staff member; false if not staff of this merchant (or an owner).
pub fn remove_staff(conn: &mut DbConn, merchant_id: &str, account_id: &str) -> QueryResult<bool> {
    let deleted = diesel::delete(
        account_roles::table
            .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
            .filter(account_roles::merchant_id.eq(merchant_id))
            .filter(account_roles::account_id.eq(account_id))
            .filter(account_roles::owner.eq(false)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

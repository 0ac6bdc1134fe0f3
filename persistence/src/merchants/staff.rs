//! A merchant's staff: accounts holding the merchant_staff role for it, one owner among them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, GrantId, MerchantId};

use crate::accounts::AccountRow;
use crate::conn::DbConn;
use crate::schema::{account_roles, accounts};

/// The staff of a merchant: (account id, owner).
pub fn staff(conn: &mut DbConn, merchant_id: &MerchantId) -> QueryResult<Vec<(AccountId, bool)>> {
    let staff: Vec<(String, bool)> = account_roles::table
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::merchant_id.eq(merchant_id.as_str()))
        .order(account_roles::created_at.asc())
        .select((account_roles::account_id, account_roles::owner))
        .load(conn)?;
    Ok(staff
        .into_iter()
        .map(|(account, owner)| (AccountId::from(account), owner))
        .collect())
}

/// One page of a merchant's staff with their accounts, by account id: `limit` after `after`.
pub fn staff_page(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    after: Option<&AccountId>,
    limit: i64,
) -> QueryResult<Vec<(AccountRow, bool)>> {
    let mut query = account_roles::table
        .inner_join(accounts::table.on(accounts::id.eq(account_roles::account_id)))
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::merchant_id.eq(merchant_id.as_str()))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(account_roles::account_id.gt(after.as_str().to_owned()));
    }
    query
        .order(account_roles::account_id.asc())
        .limit(limit)
        .select((accounts::all_columns, account_roles::owner))
        .load(conn)
}

/// The merchant an account is staff of, if any.
pub fn merchant_of(conn: &mut DbConn, account_id: &AccountId) -> QueryResult<Option<MerchantId>> {
    let merchant = account_roles::table
        .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
        .filter(account_roles::account_id.eq(account_id.as_str()))
        .select(account_roles::merchant_id)
        .first::<Option<String>>(conn)
        .optional()?;
    Ok(merchant.flatten().map(MerchantId::from))
}

/// Makes an account staff (or the owner) of a merchant; false if it already was.
pub fn add_staff(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    account_id: &AccountId,
    owner: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let id: GrantId = crate::ids::new_id();
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
pub fn remove_staff(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    account_id: &AccountId,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        account_roles::table
            .filter(account_roles::role.eq(Role::MerchantStaff.as_str()))
            .filter(account_roles::merchant_id.eq(merchant_id.as_str()))
            .filter(account_roles::account_id.eq(account_id.as_str()))
            .filter(account_roles::owner.eq(false)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

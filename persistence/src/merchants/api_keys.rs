//! A merchant's POS API keys: stored as hashes, looked up on every counter request, revoked.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, ApiKeyId, MerchantId};
use gangonghui_domain::merchant::MerchantStatus;

use crate::conn::DbConn;
use crate::schema::{merchant_api_keys as keys, merchants};

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ApiKeyRow {
    #[diesel(deserialize_as = String)]
    pub id: ApiKeyId,
    #[diesel(deserialize_as = String)]
    pub merchant_id: MerchantId,
    pub key_hash: String,
    pub label: String,
    #[diesel(deserialize_as = String)]
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_api_key(
    conn: &mut DbConn,
    id: &ApiKeyId,
    merchant_id: &MerchantId,
    key_hash: &str,
    label: &str,
    by: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(keys::table)
        .values((
            keys::id.eq(id.as_str()),
            keys::merchant_id.eq(merchant_id.as_str()),
            keys::key_hash.eq(key_hash),
            keys::label.eq(label),
            keys::created_by.eq(by.as_str()),
            keys::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// A live POS key with its merchant's status, in one query (checked on every counter request).
pub fn live_api_key(
    conn: &mut DbConn,
    key_hash: &str,
) -> QueryResult<Option<(ApiKeyRow, MerchantStatus)>> {
    let found: Option<(ApiKeyRow, String)> = keys::table
        .inner_join(merchants::table)
        .filter(keys::key_hash.eq(key_hash))
        .filter(keys::revoked_at.is_null())
        .select((keys::all_columns, merchants::status))
        .first(conn)
        .optional()?;
    found
        .map(|(key, status)| Ok((key, crate::stored::parse(status)?)))
        .transpose()
}

/// Revokes a live key of the merchant; its hash (to drop it from caches), or `None` if there was
/// no such live key.
pub fn revoke_api_key(
    conn: &mut DbConn,
    id: &ApiKeyId,
    merchant_id: &MerchantId,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    diesel::update(
        keys::table
            .find(id.as_str())
            .filter(keys::merchant_id.eq(merchant_id.as_str()))
            .filter(keys::revoked_at.is_null()),
    )
    .set(keys::revoked_at.eq(now))
    .returning(keys::key_hash)
    .get_result(conn)
    .optional()
}

//! Who may act for a merchant, checked on every counter request: POS keys and merchant status,
//! cached as sessions are (see `auth::session_cache`) so the hot path costs cache reads and no
//! database job. The database is the source of truth: a revocation or a status change is
//! written there first, then to the cache (retried until the cache takes it); fills from the
//! database never overwrite (set-if-absent), so a request that read the database just before a
//! change cannot put the old state back. Without the cache every check falls back to the
//! database.

use std::time::Duration;

use gangonghui_domain::ids::{AccountId, ApiKeyId, MerchantId};
use gangonghui_domain::merchant::MerchantStatus;
use gangonghui_persistence::merchants;
use serde::{Deserialize, Serialize};

use crate::http::ApiError;
use crate::state::AppState;

/// How long a live key or a status is trusted from the cache.
const LIVE_TTL: Duration = Duration::from_secs(60);
/// A revoked key stays revoked; the tombstone only has to outlive entries filled before it.
const REVOKED_TTL: Duration = Duration::from_secs(24 * 3600);

/// A live POS key: the merchant it acts for and the owner who created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosKey {
    pub key_id: ApiKeyId,
    pub merchant_id: MerchantId,
    pub created_by: AccountId,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum CachedKey {
    Live(PosKey),
    Revoked,
}

fn key_entry(key_hash: &str) -> String {
    format!("pos_key:{key_hash}")
}

fn status_entry(merchant_id: &MerchantId) -> String {
    format!("merchant_status:{merchant_id}")
}

/// A live key, with its merchant's status when the database was asked (so the caller need not
/// ask again, which matters while Redis is down).
#[derive(Debug, Clone)]
pub struct FoundKey {
    pub key: PosKey,
    pub merchant_status: Option<MerchantStatus>,
}

/// The live key with this hash, if any.
pub async fn pos_key(state: &AppState, key_hash: &str) -> Result<Option<FoundKey>, ApiError> {
    if let Ok(Some(raw)) = state.cache.get(&key_entry(key_hash)).await
        && let Ok(cached) = serde_json::from_str::<CachedKey>(&raw)
    {
        return Ok(match cached {
            CachedKey::Live(key) => Some(FoundKey {
                key,
                merchant_status: None,
            }),
            CachedKey::Revoked => None,
        });
    }
    let hash = key_hash.to_owned();
    let found = state
        .db(move |conn| Ok(merchants::live_api_key(conn, &hash)?))
        .await?
        .map(|(row, status)| FoundKey {
            key: PosKey {
                key_id: row.id,
                merchant_id: row.merchant_id,
                created_by: row.created_by,
            },
            merchant_status: Some(status),
        });
    // An unknown hash is not cached: anyone could fill the cache with guesses.
    if let Some(found) = &found
        && let Ok(json) = serde_json::to_string(&CachedKey::Live(found.key.clone()))
    {
        let _ = state
            .cache
            .set_if_absent(&key_entry(key_hash), &json, LIVE_TTL)
            .await;
    }
    Ok(found)
}

/// The merchant's status, if it exists.
pub async fn merchant_status(
    state: &AppState,
    merchant_id: &MerchantId,
) -> Result<Option<MerchantStatus>, ApiError> {
    if let Ok(Some(cached)) = state.cache.get(&status_entry(merchant_id)).await
        && let Some(status) = MerchantStatus::parse(&cached)
    {
        return Ok(Some(status));
    }
    let id = merchant_id.clone();
    let status = state
        .db(move |conn| Ok(merchants::status(conn, &id)?))
        .await?;
    if let Some(status) = &status {
        let _ = state
            .cache
            .set_if_absent(&status_entry(merchant_id), status.as_str(), LIVE_TTL)
            .await;
    }
    Ok(status)
}

/// Call after the database revoked the key: it fails on the next request everywhere.
pub async fn key_revoked(state: &AppState, key_hash: &str) {
    if let Ok(tombstone) = serde_json::to_string(&CachedKey::Revoked) {
        state
            .cache
            .set_eventually(&key_entry(key_hash), &tombstone, REVOKED_TTL)
            .await;
    }
}

/// Call after the database changed the merchant's status: it counts on the next request
/// everywhere.
pub async fn status_changed(state: &AppState, merchant_id: &MerchantId, status: MerchantStatus) {
    state
        .cache
        .set_eventually(&status_entry(merchant_id), status.as_str(), LIVE_TTL)
        .await;
}

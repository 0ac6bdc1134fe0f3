//! A merchant's people: the owner lists and removes staff (who join by accepting an invitation,
//! see `invitations`), and creates and revokes POS API keys (shown once, stored hashed).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gangonghui_domain::ids::{AccountId, ApiKeyId};
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::{ids, merchants, write_tx};
use rand::RngCore;

use crate::audit::{AuditEvent, RequestContext};
use crate::auth::session_cache;
use crate::crypto::sha256_hex;
use crate::http::ApiError;
use crate::http::pagination::Keyset;
use crate::merchants::{MerchantOwner, MerchantStaff, access};
use crate::state::AppState;

/// API keys carry this prefix so a leaked one is recognisable.
const KEY_PREFIX: &str = "ggh_pk_";

pub struct StaffMember {
    pub account_id: AccountId,
    pub display_name: String,
    pub phone_masked: String,
    pub owner: bool,
}

pub async fn list(
    state: &AppState,
    staff: &MerchantStaff,
    page: Keyset,
) -> Result<Vec<StaffMember>, ApiError> {
    let merchant = staff.merchant_id.clone();
    state
        .db(move |conn| {
            let (after, limit) = (page.after_id::<AccountId>(), page.limit + 1);
            let rows = merchants::staff_page(conn, &merchant, after.as_ref(), limit)?;
            Ok(rows
                .into_iter()
                .map(|(a, owner)| StaffMember {
                    phone_masked: Phone::parse(&a.phone)
                        .map(|p| p.masked())
                        .unwrap_or_default(),
                    account_id: a.id,
                    display_name: a.display_name,
                    owner,
                })
                .collect())
        })
        .await
}

pub async fn remove(
    state: &AppState,
    owner: &MerchantOwner,
    account_id: AccountId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let (merchant, actor, member) = (
        owner.0.merchant_id.clone(),
        owner.0.account_id.clone(),
        account_id.clone(),
    );
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                if !merchants::remove_staff(c, &merchant, &member)? {
                    return Err(ApiError::NotFound);
                }
                AuditEvent::new("merchant.staff_remove", "merchant", &merchant)
                    .by(&actor, Role::MerchantStaff)
                    .detail(serde_json::json!({ "account_id": member }))
                    .record(c, &ctx)?;
                Ok(())
            })
        })
        .await?;
    session_cache::roles_changed(state, &account_id).await
}

/// Creates a POS key; returns its id and the key itself, which is never shown again.
pub async fn create_key(
    state: &AppState,
    owner: &MerchantOwner,
    label: String,
    ctx: RequestContext,
) -> Result<(ApiKeyId, String), ApiError> {
    let now = state.clock.now();
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = sha256_hex(key.as_bytes());
    let (merchant, actor, id) = (
        owner.0.merchant_id.clone(),
        owner.0.account_id.clone(),
        ids::new_id::<ApiKeyId>(),
    );
    let key_id = id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                merchants::insert_api_key(
                    c,
                    &id,
                    &merchant,
                    &hash,
                    &label,
                    &actor,
                    now.naive_utc(),
                )?;
                AuditEvent::new("merchant.api_key_create", "merchant_api_key", &id)
                    .by(&actor, Role::MerchantStaff)
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok((key_id, key))
}

pub async fn revoke_key(
    state: &AppState,
    owner: &MerchantOwner,
    key_id: ApiKeyId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    let hash = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let hash = merchants::revoke_api_key(c, &key_id, &merchant, now.naive_utc())?
                    .ok_or(ApiError::NotFound)?;
                AuditEvent::new("merchant.api_key_revoke", "merchant_api_key", &key_id)
                    .by(&actor, Role::MerchantStaff)
                    .record(c, &ctx)?;
                Ok(hash)
            })
        })
        .await?;
    access::key_revoked(state, &hash).await;
    Ok(())
}

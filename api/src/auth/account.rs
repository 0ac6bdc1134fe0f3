//! Account use cases of a signed-in member: password change and reset, real name, profile.

use std::net::IpAddr;

use chrono::NaiveDateTime;
use gangonghui_domain::account::NewPassword;
use gangonghui_domain::ids::{AccountId, SessionId};
use gangonghui_domain::otp::OtpPurpose;
use gangonghui_domain::{Phone, ResidentId, Role};
use gangonghui_persistence::accounts::{self, AccountRow, RealNameUpdate};
use gangonghui_persistence::error::is_unique_violation;
use gangonghui_persistence::{DbConn, sessions, write_tx};

use super::profile_cache::{self, Profile};
use super::rate_limit::{
    CURRENT_PASSWORD_FAILURES, REAL_NAME_TRIES_PER_ACCOUNT, REAL_NAME_TRIES_PER_IP,
};
use super::session_cache;
use super::{AuthError, Authenticated, otp, password};
use crate::audit::{AuditEvent, RequestContext};
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::state::AppState;

/// Changes the password after checking the current one; every other session ends.
pub async fn change_password(
    state: &AppState,
    auth: &Authenticated,
    current: String,
    new: NewPassword,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let id = auth.account_id.clone();
    let account = state
        .db(move |conn| Ok(accounts::find_by_id(conn, &id)?))
        .await?
        .ok_or(AuthError::SessionEnded)?;
    let subject = account.id.as_str().to_owned();
    CURRENT_PASSWORD_FAILURES
        .take(&state.counters, &subject)
        .await?;
    if !password::verify(current, account.password_hash.clone()).await? {
        return Err(AuthError::CurrentPasswordIncorrect.into());
    }
    CURRENT_PASSWORD_FAILURES
        .refund(&state.counters, &subject)
        .await;
    let hash = password::hash(new.expose().to_owned()).await?;
    set_password(state, account.id, hash, Some(auth.session_id.clone()), ctx).await
}

/// Sets a new password with a reset code; every session ends.
pub async fn reset_password(
    state: &AppState,
    phone: Phone,
    code: String,
    new: NewPassword,
    ip: Option<IpAddr>,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    otp::limit_checks(state, &phone, ip).await?;
    let hash = password::hash(new.expose().to_owned()).await?;
    let (keys, p, now) = (state.data_keys.clone(), phone.clone(), state.clock.now());
    let account = state
        .db(move |conn| {
            write_tx(conn, |c| {
                if let Err(e) = otp::check(c, &keys, &p, OtpPurpose::Reset, &code, now)? {
                    return Ok::<_, ApiError>(Err(e));
                }
                Ok(Ok(accounts::find_by_phone(c, p.as_str())?))
            })
        })
        .await??;
    // A valid code for a phone without an account proves nothing to reset.
    let account = account.ok_or(AuthError::OtpInvalid)?;
    set_password(state, account.id, hash, None, ctx).await
}

async fn set_password(
    state: &AppState,
    account_id: AccountId,
    hash: String,
    keep: Option<SessionId>,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = now.naive_utc();
                accounts::set_password(c, &account_id, &hash, now)?;
                let ended =
                    sessions::revoke_all(c, &account_id, keep.as_ref(), "password_changed", now)?;
                AuditEvent::new("account.password_change", "account", &account_id)
                    .by(&account_id, Role::Member)
                    .detail(serde_json::json!({ "sessions_ended": ended.len() }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(ended)
            })
        })
        .await?;
    session_cache::ended(state, &ended).await;
    Ok(())
}

/// Verifies the real name once; the ID number is stored encrypted with a blind index that finds
/// the same number on another account without decrypting.
pub async fn verify_real_name(
    state: &AppState,
    auth: &Authenticated,
    legal_name: String,
    id_number: ResidentId,
    ctx: RequestContext,
) -> Result<Profile, ApiError> {
    // Every attempt counts: each answer says something about an ID number.
    REAL_NAME_TRIES_PER_ACCOUNT
        .hit(&state.counters, auth.account_id.as_str())
        .await?;
    if let Some(ip) = &ctx.ip {
        REAL_NAME_TRIES_PER_IP.hit(&state.counters, ip).await?;
    }
    let now = state.clock.now();
    let keys = state.data_keys.clone();
    let account_id = auth.account_id.clone();
    let verified = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let account =
                    accounts::find_by_id(c, &account_id)?.ok_or(AuthError::SessionEnded)?;
                if account.real_name_verified_at.is_some() {
                    return Err(AuthError::RealNameLocked.into());
                }
                let index = keys.blind_index(id_number.as_str());
                if let Some(holder) = accounts::find_by_id_number_index(c, &index)?
                    .filter(|holder| *holder != account_id)
                {
                    // Committed with the refusal: officers see every claim on a verified ID,
                    // an honest owner's dispute and a prober's attempts alike.
                    AuditEvent::new("identity.dispute", "account", &account_id)
                        .by(&account_id, Role::Member)
                        .detail(serde_json::json!({ "verified_account": holder }))
                        .record(c, &ctx)?;
                    return Ok(None);
                }
                let stored = store_real_name(
                    c,
                    &keys,
                    &account_id,
                    &legal_name,
                    &id_number,
                    now.naive_utc(),
                )
                .map_err(|e| match is_unique_violation(&e) {
                    // Another account verified the same ID a moment ago.
                    true => AuthError::IdentityReview.into(),
                    false => ApiError::from(e),
                })?;
                // Of parallel attempts on one account, the conditional update lets one in.
                if stored == 0 {
                    return Err(AuthError::RealNameLocked.into());
                }
                AuditEvent::new("account.real_name_verify", "account", &account_id)
                    .by(&account_id, Role::Member)
                    .record(c, &ctx)?;
                Ok(Some(
                    accounts::find_by_id(c, &account_id)?.ok_or(diesel::result::Error::NotFound)?,
                ))
            })
        })
        .await?;
    let account: AccountRow = verified.ok_or(AuthError::IdentityReview)?;
    profile_cache::refresh(state, &account.id).await
}

pub async fn profile(state: &AppState, auth: &Authenticated) -> Result<Profile, ApiError> {
    profile_cache::load(state, &auth.account_id).await
}

/// Stores a verified real name inside the caller's transaction: the legal name and ID number
/// encrypted, the ID's blind index, and its masked form for display.
pub fn store_real_name(
    conn: &mut DbConn,
    keys: &DataKeys,
    account_id: &AccountId,
    legal_name: &str,
    id_number: &ResidentId,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    let (name_enc, id_enc) = (keys.encrypt(legal_name), keys.encrypt(id_number.as_str()));
    let (index, masked) = (keys.blind_index(id_number.as_str()), id_number.masked());
    accounts::set_real_name(
        conn,
        account_id,
        &RealNameUpdate {
            legal_name_enc: Some(&name_enc),
            id_number_enc: Some(&id_enc),
            id_number_index: Some(&index),
            id_number_masked: Some(&masked),
            real_name_verified_at: Some(now),
            updated_at: now,
        },
    )
}

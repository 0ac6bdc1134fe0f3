//! The use cases of identity and sessions. Each owns its transaction; revocations reach the
//! database first and the cache second.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::otp::OtpPurpose;
use gangonghui_domain::{ClientKind, Phone, ResidentId, Role};
use gangonghui_persistence::accounts::{self, AccountRow, NewAccount, RealNameUpdate};
use gangonghui_persistence::sessions::{self, NewSession, SessionRow};
use gangonghui_persistence::{DbConn, ids, wechat as bindings, write_tx};

use super::profile_cache::{self, Profile};
use super::rate_limit::{LOGIN_FAILURES_PER_IP, LOGIN_FAILURES_PER_PHONE};
use super::session_cache;
use super::tokens::{REFRESH_TTL, new_refresh_token, refresh_token_hash};
use super::{AuthError, Authenticated, otp, password};
use crate::audit::{AuditEvent, RequestContext};
use crate::error::ApiError;
use crate::state::AppState;

/// A new pair of tokens for a session.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub session_id: String,
}

/// Where a login comes from.
#[derive(Debug, Clone)]
pub struct Device {
    pub client: ClientKind,
    pub label: Option<String>,
    pub ip: Option<IpAddr>,
}

pub struct Registration {
    pub phone: Phone,
    pub otp: String,
    pub password: NewPassword,
    pub display_name: DisplayName,
}

pub enum Credential {
    Password(String),
    Otp(String),
}

/// Opens a session and its first refresh token inside the caller's transaction.
fn open_session(
    conn: &mut DbConn,
    account_id: &str,
    device: &Device,
    now: DateTime<Utc>,
) -> diesel::QueryResult<(String, String)> {
    let id = ids::new_id();
    let expires = (now + REFRESH_TTL).naive_utc();
    let ip = device.ip.map(|i| i.to_string());
    sessions::insert(
        conn,
        &NewSession {
            id: &id,
            account_id,
            client: device.client.as_str(),
            device: device.label.as_deref(),
            ip: ip.as_deref(),
            created_at: now.naive_utc(),
            last_seen_at: now.naive_utc(),
            expires_at: expires,
        },
    )?;
    let (refresh, hash) = new_refresh_token();
    sessions::insert_refresh(conn, &hash, &id, now.naive_utc(), expires)?;
    Ok((id, refresh))
}

fn tokens(
    state: &AppState,
    account_id: &str,
    session_id: String,
    refresh_token: String,
    client: ClientKind,
    now: DateTime<Utc>,
) -> Tokens {
    let (access_token, expires_in) =
        state
            .tokens
            .issue_access(account_id, &session_id, client, now);
    Tokens {
        access_token,
        refresh_token,
        expires_in,
        session_id,
    }
}

pub async fn register(
    state: &AppState,
    reg: Registration,
    device: Device,
    ctx: RequestContext,
) -> Result<(AccountRow, Tokens), ApiError> {
    otp::limit_checks(state, &reg.phone, device.ip).await?;
    let hash = password::hash(reg.password.expose().to_owned()).await?;
    let (keys, now) = (state.data_keys.clone(), Utc::now());
    let dev = device.clone();
    let (account, session_id, refresh) = state
        .db(move |conn| {
            write_tx(conn, |c| {
                if let Err(e) =
                    otp::check(c, &keys, &reg.phone, OtpPurpose::Register, &reg.otp, now)?
                {
                    return Ok(Err(e));
                }
                if accounts::find_by_phone(c, reg.phone.as_str())?.is_some() {
                    return Ok(Err(AuthError::PhoneTaken));
                }
                let id = ids::new_id();
                accounts::insert(
                    c,
                    &NewAccount {
                        id: &id,
                        phone: reg.phone.as_str(),
                        password_hash: Some(&hash),
                        display_name: reg.display_name.as_str(),
                        labor_model_level: "none",
                        hardship: false,
                        password_changed_at: now.naive_utc(),
                        created_at: now.naive_utc(),
                        updated_at: now.naive_utc(),
                    },
                )?;
                let (sid, refresh) = open_session(c, &id, &dev, now)?;
                AuditEvent::new("account.register", "account", &id)
                    .by(&id, Role::Member)
                    .record(c, &ctx)?;
                let account =
                    accounts::find_by_id(c, &id)?.ok_or(diesel::result::Error::NotFound)?;
                Ok::<_, ApiError>(Ok((account, sid, refresh)))
            })
        })
        .await
        .map_err(|e| match e {
            // A concurrent registration of the same phone loses on the unique index.
            ApiError::Internal(cause)
                if cause
                    .downcast_ref::<diesel::result::Error>()
                    .is_some_and(is_unique_violation) =>
            {
                ApiError::from(AuthError::PhoneTaken)
            }
            other => other,
        })??;
    let tokens = tokens(state, &account.id, session_id, refresh, device.client, now);
    Ok((account, tokens))
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

pub async fn login(
    state: &AppState,
    phone: Phone,
    credential: Credential,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let ip = device.ip.map(|i| i.to_string());
    LOGIN_FAILURES_PER_PHONE
        .check(&state.cache, phone.as_str())
        .await?;
    if let Some(ip) = &ip {
        LOGIN_FAILURES_PER_IP.check(&state.cache, ip).await?;
    }
    let number = phone.as_str().to_owned();
    let account = state
        .db(move |conn| Ok(accounts::find_by_phone(conn, &number)?))
        .await?;
    let now = Utc::now();
    let verified: Result<String, AuthError> = match credential {
        Credential::Password(pw) => {
            let ok = password::verify(pw, account.as_ref().and_then(|a| a.password_hash.clone()))
                .await?;
            match (&account, ok) {
                (Some(a), true) => Ok(a.id.clone()),
                _ => Err(AuthError::InvalidCredentials),
            }
        }
        Credential::Otp(code) => {
            otp::limit_checks(state, &phone, device.ip).await?;
            let (keys, p) = (state.data_keys.clone(), phone.clone());
            let checked = state
                .db(move |conn| {
                    write_tx(conn, |c| {
                        Ok::<_, ApiError>(otp::check(c, &keys, &p, OtpPurpose::Login, &code, now)?)
                    })
                })
                .await?;
            match (checked, &account) {
                (Ok(()), Some(a)) => Ok(a.id.clone()),
                (Ok(()), None) => Err(AuthError::InvalidCredentials),
                (Err(e), _) => Err(e),
            }
        }
    };
    let account_id = match verified {
        Ok(id) => id,
        Err(e) => {
            let _ = LOGIN_FAILURES_PER_PHONE
                .hit(&state.cache, phone.as_str())
                .await;
            if let Some(ip) = &ip {
                let _ = LOGIN_FAILURES_PER_IP.hit(&state.cache, ip).await;
            }
            return Err(e.into());
        }
    };
    start(state, account_id, device, "account.login", ctx, now).await
}

/// Opens a session for an account whose identity is already proven.
async fn start(
    state: &AppState,
    account_id: String,
    device: Device,
    action: &'static str,
    ctx: RequestContext,
    now: DateTime<Utc>,
) -> Result<Tokens, ApiError> {
    let (id, dev) = (account_id.clone(), device.clone());
    let (sid, refresh) = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let opened = open_session(c, &id, &dev, now)?;
                AuditEvent::new(action, "session", &opened.0)
                    .by(&id, Role::Member)
                    .detail(serde_json::json!({ "client": dev.client.as_str() }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(opened)
            })
        })
        .await?;
    Ok(tokens(state, &account_id, sid, refresh, device.client, now))
}

enum Rotation {
    Rotated {
        account_id: String,
        session_id: String,
        client: ClientKind,
        refresh: String,
    },
    Reused {
        session_id: String,
    },
    Invalid,
}

/// Spends the refresh token and issues the next pair. A token already spent means it was copied:
/// the whole session is revoked. Of two simultaneous refreshes with one token, exactly one wins;
/// the other counts as reuse, so that session ends too (the safe reading of an ambiguous race).
pub async fn refresh(
    state: &AppState,
    refresh_token: String,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let hash = refresh_token_hash(&refresh_token);
    let now = Utc::now();
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let Some(sid) = sessions::spend_refresh(c, &hash, now.naive_utc())? else {
                    return Ok::<_, ApiError>(match sessions::find_refresh(c, &hash)? {
                        Some(row) if row.spent_at.is_some() => {
                            if let Some(session) =
                                sessions::find_live(c, &row.session_id, now.naive_utc())?
                            {
                                sessions::revoke(
                                    c,
                                    &session.id,
                                    &session.account_id,
                                    "refresh_reuse",
                                    now.naive_utc(),
                                )?;
                                AuditEvent::new("session.refresh_reuse", "session", &session.id)
                                    .by(&session.account_id, Role::Member)
                                    .record(c, &ctx)?;
                            }
                            Rotation::Reused {
                                session_id: row.session_id,
                            }
                        }
                        _ => Rotation::Invalid,
                    });
                };
                let Some(session) = sessions::find_live(c, &sid, now.naive_utc())? else {
                    return Ok(Rotation::Invalid);
                };
                let (refresh, new_hash) = new_refresh_token();
                let expires = (now + REFRESH_TTL).naive_utc();
                sessions::insert_refresh(c, &new_hash, &sid, now.naive_utc(), expires)?;
                sessions::touch(c, &sid, now.naive_utc(), Some(expires))?;
                let client = match session.client.as_str() {
                    "mini_program" => ClientKind::MiniProgram,
                    "pos" => ClientKind::Pos,
                    _ => ClientKind::App,
                };
                Ok(Rotation::Rotated {
                    account_id: session.account_id,
                    session_id: sid,
                    client,
                    refresh,
                })
            })
        })
        .await?;
    match outcome {
        Rotation::Rotated {
            account_id,
            session_id,
            client,
            refresh,
        } => Ok(tokens(state, &account_id, session_id, refresh, client, now)),
        Rotation::Reused { session_id } => {
            session_cache::ended(state, &[session_id]).await;
            Err(AuthError::RefreshReused.into())
        }
        Rotation::Invalid => Err(AuthError::RefreshInvalid.into()),
    }
}

/// Which sessions a logout ends.
pub enum Ending {
    /// The caller's own session.
    Current,
    /// Every session of the account.
    All,
}

pub async fn end_sessions(
    state: &AppState,
    auth: &Authenticated,
    which: Ending,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let (account, current) = (auth.account_id.clone(), auth.session_id.clone());
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = Utc::now().naive_utc();
                let ended = match which {
                    Ending::Current => {
                        if sessions::revoke(c, &current, &account, "logout", now)? {
                            vec![current]
                        } else {
                            Vec::new()
                        }
                    }
                    Ending::All => sessions::revoke_all(c, &account, None, "logout_all", now)?,
                };
                for sid in &ended {
                    AuditEvent::new("session.end", "session", sid)
                        .by(&account, Role::Member)
                        .record(c, &ctx)?;
                }
                Ok::<_, ApiError>(ended)
            })
        })
        .await?;
    session_cache::ended(state, &ended).await;
    Ok(())
}

pub async fn list_sessions(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Vec<SessionRow>, ApiError> {
    let account = auth.account_id.clone();
    state
        .db(move |conn| Ok(sessions::list_live(conn, &account, Utc::now().naive_utc())?))
        .await
}

/// Ends one of the caller's sessions; another account's session id is simply not found.
pub async fn end_session(
    state: &AppState,
    auth: &Authenticated,
    session_id: String,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let (account, sid) = (auth.account_id.clone(), session_id.clone());
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let ended =
                    sessions::revoke(c, &sid, &account, "ended_by_user", Utc::now().naive_utc())?;
                if ended {
                    AuditEvent::new("session.end", "session", &sid)
                        .by(&account, Role::Member)
                        .record(c, &ctx)?;
                }
                Ok::<_, ApiError>(ended)
            })
        })
        .await?;
    if !ended {
        return Err(ApiError::NotFound);
    }
    session_cache::ended(state, &[session_id]).await;
    Ok(())
}

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
    if !password::verify(current, account.password_hash.clone()).await? {
        return Err(ApiError::Validation(vec![crate::error::FieldIssue::new(
            "current_password",
            crate::error::FieldIssueKind::Invalid {
                reason: "incorrect",
            },
        )]));
    }
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
    let (keys, p, now) = (state.data_keys.clone(), phone.clone(), Utc::now());
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
    account_id: String,
    hash: String,
    keep: Option<String>,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = Utc::now().naive_utc();
                accounts::set_password(c, &account_id, &hash, now)?;
                let ended =
                    sessions::revoke_all(c, &account_id, keep.as_deref(), "password_changed", now)?;
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
    let keys = state.data_keys.clone();
    let account_id = auth.account_id.clone();
    let account: AccountRow = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let account =
                    accounts::find_by_id(c, &account_id)?.ok_or(AuthError::SessionEnded)?;
                if account.real_name_verified_at.is_some() {
                    return Err(AuthError::RealNameLocked.into());
                }
                let index = keys.blind_index(id_number.as_str());
                if accounts::find_by_id_number_index(c, &index)?
                    .is_some_and(|owner| owner != account_id)
                {
                    return Err(AuthError::IdNumberTaken.into());
                }
                let now = Utc::now().naive_utc();
                let (name_enc, id_enc, masked) = (
                    keys.encrypt(&legal_name),
                    keys.encrypt(id_number.as_str()),
                    id_number.masked(),
                );
                accounts::set_real_name(
                    c,
                    &account_id,
                    &RealNameUpdate {
                        legal_name_enc: Some(&name_enc),
                        id_number_enc: Some(&id_enc),
                        id_number_index: Some(&index),
                        id_number_masked: Some(&masked),
                        real_name_verified_at: Some(now),
                        updated_at: now,
                    },
                )?;
                AuditEvent::new("account.real_name_verify", "account", &account_id)
                    .by(&account_id, Role::Member)
                    .record(c, &ctx)?;
                Ok(accounts::find_by_id(c, &account_id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await?;
    profile_cache::refresh(state, &account.id).await
}

pub async fn profile(state: &AppState, auth: &Authenticated) -> Result<Profile, ApiError> {
    profile_cache::load(state, &auth.account_id).await
}

/// Logs in with a `wx.login` code: tokens when the identity is bound, else a bind token.
pub async fn wechat_login(
    state: &AppState,
    code: String,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let identity = state.wechat.code2session(&code).await?;
    let (app, openid) = (identity.app_id.clone(), identity.openid.clone());
    let bound = state
        .db(move |conn| Ok(bindings::account_for(conn, &app, &openid)?))
        .await?;
    match bound {
        Some(account_id) => {
            start(
                state,
                account_id,
                device,
                "account.login_wechat",
                ctx,
                Utc::now(),
            )
            .await
        }
        None => Err(AuthError::WechatUnbound {
            bind_token: state.tokens.issue_wechat_bind(
                &identity.app_id,
                &identity.openid,
                identity.unionid.as_deref(),
                Utc::now(),
            ),
        }
        .into()),
    }
}

/// Binds the WeChat identity in `bind_token` to the account of `phone` (proven by a code).
pub async fn wechat_bind(
    state: &AppState,
    bind_token: String,
    phone: Phone,
    code: String,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let claims = state
        .tokens
        .verify_wechat_bind(&bind_token)
        .map_err(|_| AuthError::WechatBindInvalid)?;
    otp::limit_checks(state, &phone, device.ip).await?;
    let (keys, now) = (state.data_keys.clone(), Utc::now());
    let audit_ctx = ctx.clone();
    let account_id = state
        .db(move |conn| {
            write_tx(conn, |c| {
                if let Err(e) = otp::check(c, &keys, &phone, OtpPurpose::WechatBind, &code, now)? {
                    return Ok::<_, ApiError>(Err(e));
                }
                let Some(account) = accounts::find_by_phone(c, phone.as_str())? else {
                    return Ok(Err(AuthError::InvalidCredentials));
                };
                match bindings::account_for(c, &claims.app_id, &claims.openid)? {
                    Some(owner) if owner == account.id => {}
                    Some(_) => return Ok(Err(AuthError::WechatAlreadyBound)),
                    None => {
                        bindings::bind(
                            c,
                            &claims.app_id,
                            &claims.openid,
                            claims.unionid.as_deref(),
                            &account.id,
                            now.naive_utc(),
                        )?;
                        AuditEvent::new("account.wechat_bind", "account", &account.id)
                            .by(&account.id, Role::Member)
                            .record(c, &audit_ctx)?;
                    }
                }
                Ok(Ok(account.id))
            })
        })
        .await??;
    start(state, account_id, device, "account.login_wechat", ctx, now).await
}

//! Signing in: registration, password or code login, and WeChat login and binding. Each use case
//! owns its transaction; the session it opens is returned as a token pair.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::ids::{AccountId, SessionId};
use gangonghui_domain::otp::OtpPurpose;
use gangonghui_domain::{ClientKind, Phone, Role};
use gangonghui_persistence::accounts::{self, AccountRow, NewAccount};
use gangonghui_persistence::error::is_unique_violation;
use gangonghui_persistence::sessions::{self, NewSession};
use gangonghui_persistence::{DbConn, ids, write_tx};

use super::rate_limit::{
    LOGIN_FAILURES_PER_IP, LOGIN_FAILURES_PER_PHONE, LOGIN_FAILURES_PER_PHONE_IP, network_of,
};
use super::tokens::{REFRESH_TTL, new_refresh_token};
use super::{AuthError, otp, password};
use crate::audit::{AuditEvent, RequestContext};
use crate::http::ApiError;
use crate::state::AppState;

/// A new pair of tokens for a session.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub session_id: SessionId,
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
pub(super) fn open_session(
    conn: &mut DbConn,
    account_id: &AccountId,
    device: &Device,
    now: DateTime<Utc>,
) -> diesel::QueryResult<(SessionId, String)> {
    let id: SessionId = ids::new_id();
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

pub(super) fn tokens(
    state: &AppState,
    account_id: &AccountId,
    session_id: SessionId,
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
    let (keys, now) = (state.data_keys.clone(), state.clock.now());
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
                let id: AccountId = ids::new_id();
                accounts::insert(
                    c,
                    &NewAccount::new(
                        &id,
                        reg.phone.as_str(),
                        Some(&hash),
                        reg.display_name.as_str(),
                        now.naive_utc(),
                    ),
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

pub async fn login(
    state: &AppState,
    phone: Phone,
    credential: Credential,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    // A code login has its own limits (per phone and address, per address, five tries a code): a password
    // guesser must not be able to shut that way in too.
    let guarded = matches!(credential, Credential::Password(_));
    let failures = PasswordFailures::new(&phone, device.ip);
    if guarded {
        failures.take(state).await?;
    }
    let number = phone.as_str().to_owned();
    let account = state
        .db(move |conn| Ok(accounts::find_by_phone(conn, &number)?))
        .await?;
    let now = state.clock.now();
    let verified: Result<AccountId, AuthError> = match credential {
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
    // A failure stays counted; a success was never a failure.
    let account_id = verified?;
    if guarded {
        failures.refund(state).await;
    }
    start(state, account_id, device, "account.login", ctx, now).await
}

/// Opens a session for an account whose identity is already proven.
pub(super) async fn start(
    state: &AppState,
    account_id: AccountId,
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

/// The limits on failed password logins, counted before the password is checked and given
/// back on success: parallel guesses cannot all slip under a limit while each is checked.
struct PasswordFailures {
    phone: String,
    phone_ip: Option<String>,
    ip: Option<String>,
    network: String,
}

impl PasswordFailures {
    fn new(phone: &Phone, ip: Option<std::net::IpAddr>) -> PasswordFailures {
        PasswordFailures {
            phone: phone.as_str().to_owned(),
            phone_ip: ip.map(|ip| format!("{}|{ip}", phone.as_str())),
            ip: ip.map(|ip| ip.to_string()),
            network: ip.map(network_of).unwrap_or_default(),
        }
    }

    /// Per phone and address (a hard limit), per address, then per phone (a backoff); a
    /// refusal gives back what the earlier ones took.
    async fn take(&self, state: &AppState) -> Result<(), ApiError> {
        let counters = &state.counters;
        if let (Some(phone_ip), Some(ip)) = (&self.phone_ip, &self.ip) {
            LOGIN_FAILURES_PER_PHONE_IP.take(counters, phone_ip).await?;
            if let Err(limited) = LOGIN_FAILURES_PER_IP.take(counters, ip).await {
                LOGIN_FAILURES_PER_PHONE_IP.refund(counters, phone_ip).await;
                return Err(limited.into());
            }
        }
        let phone = LOGIN_FAILURES_PER_PHONE.take(counters, &self.phone, &self.network);
        if let Err(limited) = phone.await {
            self.refund_addresses(state).await;
            return Err(limited.into());
        }
        Ok(())
    }

    async fn refund(&self, state: &AppState) {
        LOGIN_FAILURES_PER_PHONE
            .refund(&state.counters, &self.phone)
            .await;
        self.refund_addresses(state).await;
    }

    async fn refund_addresses(&self, state: &AppState) {
        if let (Some(phone_ip), Some(ip)) = (&self.phone_ip, &self.ip) {
            LOGIN_FAILURES_PER_PHONE_IP
                .refund(&state.counters, phone_ip)
                .await;
            LOGIN_FAILURES_PER_IP.refund(&state.counters, ip).await;
        }
    }
}

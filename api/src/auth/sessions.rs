//! Session use cases: refresh-token rotation with reuse detection, and every way a session ends.

use gangonghui_domain::ids::{AccountId, SessionId};
use gangonghui_domain::{ClientKind, Role};
use gangonghui_persistence::sessions::{self, SessionRow};
use gangonghui_persistence::write_tx;

use super::service::{Tokens, tokens};
use super::session_cache;
use super::tokens::{REFRESH_TTL, new_refresh_token, refresh_token_hash};
use super::{AuthError, Authenticated};
use crate::audit::{AuditEvent, RequestContext};
use crate::http::ApiError;
use crate::http::pagination::Keyset;
use crate::state::AppState;

enum Rotation {
    Rotated {
        account_id: AccountId,
        session_id: SessionId,
        client: ClientKind,
        refresh: String,
    },
    Reused {
        session_id: SessionId,
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
    let now = state.clock.now();
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
                let client = ClientKind::from_stored(session.client.as_str());
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
    let now = state.clock.now();
    let (account, current) = (auth.account_id.clone(), auth.session_id.clone());
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let now = now.naive_utc();
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
    page: Keyset,
) -> Result<Vec<SessionRow>, ApiError> {
    let now = state.clock.now().naive_utc();
    let account = auth.account_id.clone();
    state
        .db(move |conn| {
            let (after, limit) = (page.after_id::<SessionId>(), page.limit + 1);
            Ok(sessions::page_live(
                conn,
                &account,
                now,
                after.as_ref(),
                limit,
            )?)
        })
        .await
}

/// Ends one of the caller's sessions; another account's session id is simply not found.
pub async fn end_session(
    state: &AppState,
    auth: &Authenticated,
    session_id: SessionId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let (account, sid) = (auth.account_id.clone(), session_id.clone());
    let ended = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let ended = sessions::revoke(c, &sid, &account, "ended_by_user", now.naive_utc())?;
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

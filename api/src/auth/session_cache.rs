//! The per-request session check. The database is the source of truth; the cache holds each
//! session's state for a minute so most requests cost one cache read.
//!
//! Revocation is written to the database first, then a tombstone to the cache. A cache fill
//! never overwrites (set-if-absent), so a request that read the database just before a
//! revocation cannot put the session back. After a cache flush the database decides again.
//! A roles change writes a `reload` marker rather than deleting the entry: a delete let a
//! request that had read the old roles just before the change fill them back for a minute
//! (a removed cashier kept the counter), while the marker sends every request to the database
//! until any such fill could have happened.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::web;
use gangonghui_domain::ids::{AccountId, MerchantId, OrgId, SessionId};
use gangonghui_domain::{ClientKind, Role};
use gangonghui_persistence::{accounts, sessions};
use serde::{Deserialize, Serialize};

use super::tokens::ACCESS_TTL;
use crate::http::ApiError;
use crate::state::AppState;

/// How long a live session's state is trusted from the cache.
const LIVE_TTL: Duration = Duration::from_secs(60);
/// A tombstone outlives every access token that could name the session.
const TOMBSTONE_TTL: Duration = Duration::from_secs(ACCESS_TTL.as_secs() + 120);
/// `last_seen_at` is written at most this often per session and instance.
const SEEN_EVERY: Duration = Duration::from_secs(60);

/// A role held by an account, with its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub merchant_id: Option<MerchantId>,
    pub owner: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    pub account_id: AccountId,
    pub client: ClientKind,
    pub grants: Vec<Grant>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum Cached {
    Live(LiveSession),
    Ended,
    Reload,
}

fn key(session_id: &SessionId) -> String {
    format!("session:{session_id}")
}

pub fn grants_from(rows: Vec<accounts::RoleRow>) -> Vec<Grant> {
    rows.into_iter()
        .filter_map(|r| {
            // Every account is a member; only the granted roles are listed.
            (r.role != Role::Member).then_some(Grant {
                role: r.role,
                org_id: r.org_id,
                merchant_id: r.merchant_id,
                owner: r.owner,
            })
        })
        .collect()
}

/// The session if it is live: from the cache, else from the database (refilling the cache).
pub async fn load(
    state: &AppState,
    session_id: &SessionId,
) -> Result<Option<LiveSession>, ApiError> {
    let now = state.clock.now();
    if let Ok(Some(raw)) = state.cache.get(&key(session_id)).await
        && let Ok(cached) = serde_json::from_str::<Cached>(&raw)
    {
        match cached {
            Cached::Live(live) => return Ok(Some(live)),
            Cached::Ended => return Ok(None),
            Cached::Reload => {}
        }
    }
    let sid = session_id.clone();
    let live = state
        .db(move |conn| {
            let Some(session) = sessions::find_live(conn, &sid, now.naive_utc())? else {
                return Ok(None);
            };
            let client = ClientKind::from_stored(session.client.as_str());
            let grants = grants_from(accounts::roles(conn, &session.account_id)?);
            Ok(Some(LiveSession {
                account_id: session.account_id,
                client,
                grants,
            }))
        })
        .await?;
    let (entry, ttl) = match &live {
        Some(l) => (Cached::Live(l.clone()), LIVE_TTL),
        None => (Cached::Ended, TOMBSTONE_TTL),
    };
    if let Ok(json) = serde_json::to_string(&entry) {
        let _ = state
            .cache
            .set_if_absent(&key(session_id), &json, ttl)
            .await;
    }
    Ok(live)
}

/// Call after the database has revoked these sessions: they fail on the next request everywhere.
///
/// If the cache cannot be reached, requests fall back to the database (which refuses the
/// session), but an entry cached before the outage would say "live" again once the cache is
/// back; so the tombstone is retried until the cache takes it.
pub async fn ended(state: &AppState, session_ids: &[SessionId]) {
    let Ok(tombstone) = serde_json::to_string(&Cached::Ended) else {
        return;
    };
    for sid in session_ids {
        state
            .cache
            .set_eventually(&key(sid), &tombstone, TOMBSTONE_TTL)
            .await;
    }
}

/// Call after an account's roles changed: its sessions reload them on the next request.
pub async fn roles_changed(state: &AppState, account_id: &AccountId) -> Result<(), ApiError> {
    let now = state.clock.now();
    let account = account_id.clone();
    let live = state
        .db(move |conn| Ok(sessions::list_live(conn, &account, now.naive_utc())?))
        .await?;
    let Ok(reload) = serde_json::to_string(&Cached::Reload) else {
        return Ok(());
    };
    for session in live {
        state
            .cache
            .set_eventually(&key(&session.id), &reload, LIVE_TTL)
            .await;
    }
    Ok(())
}

/// Records activity at most once a minute per session on this instance, off the request path.
pub fn seen(state: &AppState, session_id: &SessionId) {
    let at = state.clock.now();
    static LAST: OnceLock<Mutex<HashMap<SessionId, Instant>>> = OnceLock::new();
    let now = Instant::now();
    {
        let mut last = LAST
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if last
            .get(session_id)
            .is_some_and(|t| now.duration_since(*t) < SEEN_EVERY)
        {
            return;
        }
        if last.len() > 100_000 {
            last.retain(|_, t| now.duration_since(*t) < SEEN_EVERY);
        }
        last.insert(session_id.clone(), now);
    }
    let (pool, sid) = (state.db.clone(), session_id.clone());
    actix_web::rt::spawn(async move {
        let _ = web::block(move || -> Result<(), ApiError> {
            let mut conn = pool.get()?;
            sessions::touch(&mut conn, &sid, at.naive_utc(), None)?;
            Ok(())
        })
        .await;
    });
}

//! Sessions and their refresh tokens. Spending a refresh token is one conditional UPDATE, so two
//! concurrent refreshes of one token can never both succeed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, SessionId};

use crate::conn::DbConn;
use crate::schema::{refresh_tokens, sessions};

#[derive(Debug, Clone, Queryable)]
pub struct SessionRow {
    #[diesel(deserialize_as = String)]
    pub id: SessionId,
    #[diesel(deserialize_as = String)]
    pub account_id: AccountId,
    pub client: String,
    pub device: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a SessionId,
    #[diesel(serialize_as = String)]
    pub account_id: &'a AccountId,
    pub client: &'a str,
    pub device: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// What is known of a presented refresh token that could not be spent.
#[derive(Debug, Clone, Queryable)]
pub struct RefreshTokenRow {
    pub token_hash: String,
    #[diesel(deserialize_as = String)]
    pub session_id: SessionId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub spent_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, session: &NewSession<'_>) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session.clone())
        .execute(conn)
        .map(drop)
}

/// The session if it is neither revoked nor expired at `now`.
pub fn find_live(
    conn: &mut DbConn,
    id: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(id.as_str())
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select(sessions::all_columns)
        .first(conn)
        .optional()
}

/// The account's live sessions, newest first.
pub fn list_live(
    conn: &mut DbConn,
    account_id: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::account_id.eq(account_id.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order(sessions::created_at.desc())
        .select(sessions::all_columns)
        .load(conn)
}

/// One page of the account's live sessions, newest first (ids are time-ordered).
pub fn page_live(
    conn: &mut DbConn,
    account_id: &AccountId,
    now: NaiveDateTime,
    after: Option<&SessionId>,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    let mut query = sessions::table
        .filter(sessions::account_id.eq(account_id.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(sessions::id.lt(after.as_str().to_owned()));
    }
    query
        .order(sessions::id.desc())
        .limit(limit)
        .select(sessions::all_columns)
        .load(conn)
}

/// Revokes one of the account's sessions; false when it was not live (or not the account's).
pub fn revoke(
    conn: &mut DbConn,
    id: &SessionId,
    account_id: &AccountId,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        sessions::table
            .find(id.as_str())
            .filter(sessions::account_id.eq(account_id.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Revokes every live session of the account except `keep`; returns the ids revoked.
pub fn revoke_all(
    conn: &mut DbConn,
    account_id: &AccountId,
    keep: Option<&SessionId>,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<SessionId>> {
    let mut query = diesel::update(sessions::table)
        .filter(sessions::account_id.eq(account_id.as_str()))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(sessions::id.ne(keep.as_str()));
    }
    query
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .returning(sessions::id)
        .get_results::<String>(conn)
        .map(|ids| ids.into_iter().map(SessionId::from).collect())
}

/// Records activity and slides the session's expiry forward.
pub fn touch(
    conn: &mut DbConn,
    id: &SessionId,
    now: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    match expires_at {
        Some(expires) => diesel::update(sessions::table.find(id.as_str()))
            .set((
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(expires),
            ))
            .execute(conn),
        None => diesel::update(sessions::table.find(id.as_str()))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn),
    }
    .map(drop)
}

pub fn insert_refresh(
    conn: &mut DbConn,
    token_hash: &str,
    session_id: &SessionId,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id.as_str()),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Spends an unspent, unexpired refresh token in one conditional statement; returns its session.
pub fn spend_refresh(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionId>> {
    let session: Option<String> = diesel::update(
        refresh_tokens::table
            .find(token_hash)
            .filter(refresh_tokens::spent_at.is_null())
            .filter(refresh_tokens::expires_at.gt(now)),
    )
    .set(refresh_tokens::spent_at.eq(now))
    .returning(refresh_tokens::session_id)
    .get_result(conn)
    .optional()?;
    Ok(session.map(SessionId::from))
}

pub fn find_refresh(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .find(token_hash)
        .select(refresh_tokens::all_columns)
        .first(conn)
        .optional()
}

//! Deleting rows whose time has passed, in small batches, from a background task (never from a
//! request). Every statement is an idempotent range delete, so several replicas sweeping at once
//! only find less to delete; on PostgreSQL a session advisory lock per table also lets one
//! replica at a time do a table's sweep, so the others skip it instead of doing the same work.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::schema::{client_nonces, idempotency_keys, otp_codes, refresh_tokens, sessions};

/// Rows deleted per statement: few enough that one statement holds its row locks (and SQLite's
/// single writer) for milliseconds, so requests never queue behind a sweep.
pub const BATCH: i64 = 1000;

/// Batches per table per sweep: what is left waits for the next sweep, so one backlog (say after
/// a long outage) cannot hold a connection for minutes.
pub const MAX_BATCHES: usize = 100;

/// The kinds of rows that expire. Refresh tokens come before sessions: they reference them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiring {
    /// `created_at` past the idempotency retention.
    IdempotencyKeys,
    /// `seen_at` past the signed-request clock skew window.
    ClientNonces,
    /// `expires_at` past the one-time code retention.
    OtpCodes,
    /// `expires_at` past the session retention.
    RefreshTokens,
    /// `expires_at` past the session retention, with their remaining refresh tokens.
    Sessions,
}

impl Expiring {
    /// In the order a sweep takes them.
    pub const ALL: [Expiring; 5] = [
        Expiring::IdempotencyKeys,
        Expiring::ClientNonces,
        Expiring::OtpCodes,
        Expiring::RefreshTokens,
        Expiring::Sessions,
    ];

    /// The table's name: the log's field name and the advisory lock's key.
    pub const fn table(self) -> &'static str {
        match self {
            Expiring::IdempotencyKeys => "idempotency_keys",
            Expiring::ClientNonces => "client_nonces",
            Expiring::OtpCodes => "otp_codes",
            Expiring::RefreshTokens => "refresh_tokens",
            Expiring::Sessions => "sessions",
        }
    }
}

/// Deletes the rows of `kind` whose time is before `before`, `BATCH` at a time, for at most
/// `MAX_BATCHES` statements. Returns how many rows went; `None` when another replica holds this
/// table's sweep (PostgreSQL only; SQLite has one writer, so there is no one to step aside for).
pub fn sweep(
    conn: &mut DbConn,
    kind: Expiring,
    before: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    if !try_lock(conn, kind)? {
        return Ok(None);
    }
    let swept = (|| -> QueryResult<usize> {
        let mut total = 0;
        for _ in 0..MAX_BATCHES {
            let deleted = delete_batch(conn, kind, before, BATCH)?;
            total += deleted;
            // Fewer than a batch: nothing was left (or another sweep took the rest).
            if deleted < BATCH as usize {
                break;
            }
        }
        Ok(total)
    })();
    // Unlocked on every path; should this fail, the connection is most likely broken, and
    // the lock ends with it.
    let unlocked = unlock(conn, kind);
    let total = swept?;
    unlocked?;
    Ok(Some(total))
}

/// Deletes about `batch` of the oldest rows of `kind` whose time is before `before`: those up to
/// the `batch`-th oldest one's time, found first through the time index. A range delete rather
/// than `DELETE .. LIMIT` (not in PostgreSQL, nor in SQLite as built) or `IN (SELECT key ..
/// LIMIT)` (no row values over two-column keys in the shared DSL). Rows sharing the edge time
/// all go, so a batch may be a little larger; another sweep deleting the same rows meanwhile
/// only makes it smaller.
pub fn delete_batch(
    conn: &mut DbConn,
    kind: Expiring,
    before: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let skip = batch.saturating_sub(1).max(0);
    macro_rules! range_delete {
        ($table:ident, $time:ident) => {{
            let edge: Option<NaiveDateTime> = $table::table
                .filter($table::$time.lt(before))
                .order($table::$time.asc())
                .select($table::$time)
                .offset(skip)
                .first(conn)
                .optional()?;
            // Without an edge fewer than `batch` rows are due: all of them.
            let upto = edge.unwrap_or(before);
            diesel::delete(
                $table::table.filter($table::$time.lt(before).and($table::$time.le(upto))),
            )
            .execute(conn)
        }};
    }
    match kind {
        Expiring::IdempotencyKeys => range_delete!(idempotency_keys, created_at),
        Expiring::ClientNonces => range_delete!(client_nonces, seen_at),
        Expiring::OtpCodes => range_delete!(otp_codes, expires_at),
        Expiring::RefreshTokens => range_delete!(refresh_tokens, expires_at),
        Expiring::Sessions => delete_sessions(conn, before, skip),
    }
}

/// Sessions as [`delete_batch`] does it, after the refresh tokens that still reference them
/// (each token expires with or before its session, so normally none are left by now).
fn delete_sessions(conn: &mut DbConn, before: NaiveDateTime, skip: i64) -> QueryResult<usize> {
    let edge: Option<NaiveDateTime> = sessions::table
        .filter(sessions::expires_at.lt(before))
        .order(sessions::expires_at.asc())
        .select(sessions::expires_at)
        .offset(skip)
        .first(conn)
        .optional()?;
    let upto = edge.unwrap_or(before);
    let due = || {
        sessions::expires_at
            .lt(before)
            .and(sessions::expires_at.le(upto))
    };
    let due_ids = sessions::table.filter(due()).select(sessions::id);
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::session_id.eq_any(due_ids)))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(due())).execute(conn)
}

/// Takes this table's sweep lock without waiting; false when another connection holds it.
/// PostgreSQL: a session advisory lock (a backend-specific exception: the shared DSL has none),
/// so it spans the sweep's statements, each committed on its own.
fn try_lock(conn: &mut DbConn, kind: Expiring) -> QueryResult<bool> {
    crate::conn::try_advisory_lock(conn, "pg_try_advisory_lock", &lock_key(kind))
}

fn unlock(conn: &mut DbConn, kind: Expiring) -> QueryResult<()> {
    match conn {
        DbConn::Postgresql(pg) => {
            diesel::sql_query("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(lock_key(kind))
                .execute(pg)
                .map(drop)
        }
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Distinct from the idempotency keys' lock texts, which are `merchant/key`.
fn lock_key(kind: Expiring) -> String {
    format!("ggh.upkeep:{}", kind.table())
}

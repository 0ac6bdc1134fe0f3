//! Idempotency-Key (IETF httpapi draft): the first completed answer (2xx or 4xx) of a key is
//! stored with a hash of the request and replayed for the same key and body, on any replica; a
//! different body is 422. A 5xx stores nothing, so the client may retry.
//!
//! [`once`] does the work and stores its answer in ONE transaction. The stored row's primary key
//! is the arbiter: when the key turns out to be settled already, the whole transaction (the
//! work included) rolls back and the stored answer is replayed. A refusal (4xx) rolls the work
//! back and is stored in a second, short transaction under the same rule, so whichever attempt
//! stores first is the answer every attempt gives. A retry while the first is in flight is 409
//! `idempotency.in_progress` (on PostgreSQL an advisory lock on the key says so without waiting;
//! SQLite runs one writer at a time, so there the retry simply waits and replays).

use actix_web::http::StatusCode;
use chrono::{Duration, NaiveDateTime, Utc};
use gangonghui_persistence::{DbConn, redemptions, write_tx};

use super::MerchantError;
use crate::http::ApiError;

/// How long keys are kept.
pub const RETENTION_HOURS: i64 = 24;

/// A stored answer: status and body text.
pub struct Stored {
    pub status: StatusCode,
    pub body: String,
}

/// The request a key stands for.
pub struct Keyed<'a> {
    pub merchant_id: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
}

/// Why an attempt's transaction rolled back.
enum Attempt {
    /// The key already has an answer: replay it.
    Settled,
    /// The work refused (4xx): store the refusal on its own.
    Refused(ApiError),
    /// Answer this without storing anything (5xx, or the key is in flight).
    Unstored(ApiError),
}

impl From<diesel::result::Error> for Attempt {
    fn from(e: diesel::result::Error) -> Self {
        Attempt::Unstored(e.into())
    }
}

/// Runs `work` at most once per key and body; `render` turns a refusal into its stored problem.
pub fn once(
    conn: &mut DbConn,
    req: &Keyed<'_>,
    work: impl FnOnce(&mut DbConn) -> Result<Stored, ApiError>,
    render: impl Fn(&ApiError) -> Stored,
) -> Result<Stored, ApiError> {
    let attempt = write_tx(conn, |c| {
        let now = begin(c, req)?;
        let stored = work(c).map_err(|e| {
            if e.kind().0.is_client_error() {
                Attempt::Refused(e)
            } else {
                Attempt::Unstored(e)
            }
        })?;
        store(c, req, stored, now)
    });
    let refusal = match attempt {
        Ok(stored) => return Ok(stored),
        Err(Attempt::Settled) => return replay(conn, req),
        Err(Attempt::Unstored(e)) => return Err(e),
        Err(Attempt::Refused(e)) => render(&e),
    };
    match write_tx(conn, |c| {
        let now = begin(c, req)?;
        store(c, req, refusal, now)
    }) {
        Ok(stored) => Ok(stored),
        Err(Attempt::Settled) => replay(conn, req),
        Err(Attempt::Unstored(e) | Attempt::Refused(e)) => Err(e),
    }
}

/// Starts an attempt: refuses a key in flight, now and then forgets expired keys.
fn begin(c: &mut DbConn, req: &Keyed<'_>) -> Result<NaiveDateTime, Attempt> {
    let now = Utc::now().naive_utc();
    if !redemptions::try_mark_in_flight(c, req.merchant_id, req.key)? {
        return Err(Attempt::Unstored(
            MerchantError::IdempotencyInProgress.into(),
        ));
    }
    if rand::random::<u16>().is_multiple_of(1024) {
        redemptions::forget_before(c, now - Duration::hours(RETENTION_HOURS))?;
    }
    Ok(now)
}

fn store(
    c: &mut DbConn,
    req: &Keyed<'_>,
    stored: Stored,
    now: NaiveDateTime,
) -> Result<Stored, Attempt> {
    let status = i32::from(stored.status.as_u16());
    if redemptions::store_answer(
        c,
        req.merchant_id,
        req.key,
        req.request_hash,
        status,
        &stored.body,
        now,
    )? {
        Ok(stored)
    } else {
        Err(Attempt::Settled)
    }
}

/// The stored answer of a settled key, if this request is the one it stands for.
fn replay(conn: &mut DbConn, req: &Keyed<'_>) -> Result<Stored, ApiError> {
    let row = redemptions::find_key(conn, req.merchant_id, req.key)?
        .ok_or(MerchantError::IdempotencyInProgress)?;
    if row.request_hash != req.request_hash {
        return Err(MerchantError::IdempotencyMismatch.into());
    }
    match (row.response_status, row.response_body) {
        (Some(status), Some(body)) => Ok(Stored {
            status: StatusCode::from_u16(status as u16).map_err(ApiError::internal)?,
            body,
        }),
        _ => Err(MerchantError::IdempotencyInProgress.into()),
    }
}

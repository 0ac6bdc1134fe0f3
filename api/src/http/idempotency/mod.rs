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

mod key;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use gangonghui_persistence::{DbConn, idempotency, write_tx};
use serde::Serialize;

pub use key::{IdempotencyError, IdempotencyKey, Keyed};

use super::error::ApiError;

/// How long keys are kept.
pub const RETENTION_HOURS: i64 = 24;

/// A stored answer: status and body text.
pub struct Stored {
    pub status: StatusCode,
    pub body: String,
    /// Read back from an earlier attempt with the same key, rather than made by this one (so
    /// the work it stands for is not counted twice).
    pub replayed: bool,
}

impl Stored {
    /// The problem `code` of a stored refusal, if this is one.
    pub fn problem_code(&self) -> Option<String> {
        if !self.status.is_client_error() && !self.status.is_server_error() {
            return None;
        }
        let body: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        body.get("code")?.as_str().map(str::to_owned)
    }

    /// A 200 answer with `dto` as its JSON body.
    pub fn ok(dto: &impl Serialize) -> Result<Stored, ApiError> {
        Ok(Stored {
            status: StatusCode::OK,
            body: serde_json::to_string(dto).map_err(ApiError::internal)?,
            replayed: false,
        })
    }

    /// A 201 answer with `dto` as its JSON body.
    pub fn created(dto: &impl Serialize) -> Result<Stored, ApiError> {
        Ok(Stored {
            status: StatusCode::CREATED,
            body: serde_json::to_string(dto).map_err(ApiError::internal)?,
            replayed: false,
        })
    }
}

impl Responder for Stored {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let content_type = if self.status.is_success() {
            "application/json"
        } else {
            gangonghui_openapi::PROBLEM_JSON
        };
        HttpResponse::build(self.status)
            .content_type(content_type)
            .body(self.body)
    }
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

/// Runs `work` at most once per key and body.
pub fn once(
    conn: &mut DbConn,
    req: &Keyed,
    now: DateTime<Utc>,
    work: impl FnOnce(&mut DbConn) -> Result<Stored, ApiError>,
) -> Result<Stored, ApiError> {
    let attempt = write_tx(conn, |c| {
        let now = begin(c, req, now)?;
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
        Err(Attempt::Settled) => return replay(conn, req, now),
        Err(Attempt::Unstored(e)) => return Err(e),
        Err(Attempt::Refused(e)) => req.render(&e),
    };
    match write_tx(conn, |c| {
        let now = begin(c, req, now)?;
        store(c, req, refusal, now)
    }) {
        Ok(stored) => Ok(stored),
        Err(Attempt::Settled) => replay(conn, req, now),
        Err(Attempt::Unstored(e) | Attempt::Refused(e)) => Err(e),
    }
}

/// Starts an attempt: refuses a key in flight. Expired keys are not deleted here (the background
/// upkeep does that); they are read as absent.
fn begin(c: &mut DbConn, req: &Keyed, now: DateTime<Utc>) -> Result<NaiveDateTime, Attempt> {
    if !idempotency::try_mark_in_flight(c, &req.scope, &req.key)? {
        return Err(Attempt::Unstored(IdempotencyError::InProgress.into()));
    }
    Ok(now.naive_utc())
}

/// Keys stored before this are forgotten.
pub fn stale_before(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::hours(RETENTION_HOURS)
}

fn store(
    c: &mut DbConn,
    req: &Keyed,
    stored: Stored,
    now: NaiveDateTime,
) -> Result<Stored, Attempt> {
    let status = i32::from(stored.status.as_u16());
    if idempotency::store_answer(
        c,
        &req.scope,
        &req.key,
        &req.request_hash,
        status,
        &stored.body,
        now,
        stale_before(now),
    )? {
        Ok(stored)
    } else {
        Err(Attempt::Settled)
    }
}

/// The stored answer of a settled key, if this request is the one it stands for.
fn replay(conn: &mut DbConn, req: &Keyed, now: DateTime<Utc>) -> Result<Stored, ApiError> {
    let fresh_since = stale_before(now.naive_utc());
    let row = idempotency::find_key(conn, &req.scope, &req.key, fresh_since)?
        .ok_or(IdempotencyError::InProgress)?;
    if row.request_hash != req.request_hash {
        return Err(IdempotencyError::Mismatch.into());
    }
    match (row.response_status, row.response_body) {
        (Some(status), Some(body)) => Ok(Stored {
            status: StatusCode::from_u16(status as u16).map_err(ApiError::internal)?,
            body,
            replayed: true,
        }),
        _ => Err(IdempotencyError::InProgress.into()),
    }
}

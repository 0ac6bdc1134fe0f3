//! Idempotency-Key (IETF httpapi draft): the first completed answer (2xx or 4xx) of a key is
//! stored with a hash of the request and replayed for the same key and body, on any replica; a
//! different body is 422. A 5xx stores nothing, so the client may retry.
//!
//! [`once`] claims the key, does the work in a savepoint and stores the answer in ONE transaction
//! (one commit per request), so a process that dies mid-request leaves no claim behind. A retry
//! while the first is in flight is 409 `idempotency.in_progress` (on PostgreSQL an advisory lock
//! on the key says so without waiting; SQLite runs one writer at a time, so there the retry
//! simply waits and replays).

use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use diesel::Connection;
use gangonghui_persistence::{DbConn, redemptions, write_tx};

use super::MerchantError;
use crate::error::ApiError;

/// How long keys are kept.
pub const RETENTION_HOURS: i64 = 24;

/// A stored answer: status and body text.
pub struct Stored {
    pub status: StatusCode,
    pub body: String,
}

/// Runs `work` at most once per key and body: claim, work (in a savepoint, so a 4xx rolls back
/// only the work), and the stored answer commit together. `render` turns a 4xx into its stored
/// problem; a 5xx rolls everything back and is returned.
pub fn once(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
    request_hash: &str,
    work: impl FnOnce(&mut DbConn) -> Result<Stored, ApiError>,
    render: impl Fn(&ApiError) -> Stored,
) -> Result<Stored, ApiError> {
    write_tx(conn, |c| {
        let now = Utc::now().naive_utc();
        if rand::random::<u16>().is_multiple_of(1024) {
            redemptions::forget_before(c, now - Duration::hours(RETENTION_HOURS))?;
        }
        if !redemptions::try_mark_in_flight(c, merchant_id, key)? {
            return Err(MerchantError::IdempotencyInProgress.into());
        }
        if !redemptions::claim_in_transaction(c, merchant_id, key, request_hash, now)? {
            let row = redemptions::find_key(c, merchant_id, key)?
                .ok_or(MerchantError::IdempotencyInProgress)?;
            if row.request_hash != request_hash {
                return Err(MerchantError::IdempotencyMismatch.into());
            }
            return match (row.state.as_str(), row.response_status, row.response_body) {
                ("done", Some(status), Some(body)) => Ok(Stored {
                    status: StatusCode::from_u16(status as u16).map_err(ApiError::internal)?,
                    body,
                }),
                _ => Err(MerchantError::IdempotencyInProgress.into()),
            };
        }
        let stored = match c.transaction(work) {
            Ok(stored) => stored,
            Err(e) if e.kind().0.is_client_error() => render(&e),
            Err(e) => return Err(e),
        };
        redemptions::complete(
            c,
            merchant_id,
            key,
            i32::from(stored.status.as_u16()),
            &stored.body,
        )?;
        Ok(stored)
    })
}

//! Idempotency-Key (IETF httpapi draft): the first completed answer (2xx or 4xx) of a key is
//! stored with a hash of the request and replayed for the same key and body, on any replica; a
//! different body is 422, a retry while the first still runs is 409. A 5xx stores nothing, so the
//! client may retry. A claim left by a process that died is taken over after a minute.

use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use gangonghui_persistence::redemptions;

use super::MerchantError;
use crate::error::ApiError;
use crate::state::AppState;

/// Claims older than this are from a request whose process died.
const ABANDONED_AFTER_SECS: i64 = 60;
/// How long keys are kept.
pub const RETENTION_HOURS: i64 = 24;

/// A stored answer: status and body text.
pub struct Stored {
    pub status: StatusCode,
    pub body: String,
}

pub enum Claim {
    /// This request runs; complete or release the key afterwards.
    Run,
    /// The stored first answer.
    Replay(Stored),
}

pub async fn claim(
    state: &AppState,
    merchant_id: &str,
    key: &str,
    request_hash: &str,
) -> Result<Claim, ApiError> {
    let (m, k, h) = (
        merchant_id.to_owned(),
        key.to_owned(),
        request_hash.to_owned(),
    );
    state
        .db(move |conn| {
            let now = Utc::now().naive_utc();
            if rand::random::<u16>().is_multiple_of(1024) {
                redemptions::forget_before(conn, now - Duration::hours(RETENTION_HOURS))?;
            }
            if redemptions::claim(conn, &m, &k, &h, now)? {
                return Ok(Claim::Run);
            }
            let row =
                redemptions::find_key(conn, &m, &k)?.ok_or(MerchantError::IdempotencyInProgress)?;
            if row.request_hash != h {
                return Err(MerchantError::IdempotencyMismatch.into());
            }
            match (row.state.as_str(), row.response_status, row.response_body) {
                ("done", Some(status), Some(body)) => {
                    let status = StatusCode::from_u16(status as u16).map_err(ApiError::internal)?;
                    Ok(Claim::Replay(Stored { status, body }))
                }
                _ if redemptions::take_over(
                    conn,
                    &m,
                    &k,
                    now - Duration::seconds(ABANDONED_AFTER_SECS),
                    now,
                )? =>
                {
                    Ok(Claim::Run)
                }
                _ => Err(MerchantError::IdempotencyInProgress.into()),
            }
        })
        .await
}

/// Stores the answer of a claimed key (2xx and 4xx), or releases the key (5xx).
pub async fn finish(
    state: &AppState,
    merchant_id: &str,
    key: &str,
    answer: &Stored,
) -> Result<(), ApiError> {
    let (m, k, status, body) = (
        merchant_id.to_owned(),
        key.to_owned(),
        answer.status,
        answer.body.clone(),
    );
    state
        .db(move |conn| {
            if status.is_server_error() {
                redemptions::release(conn, &m, &k)?;
            } else {
                redemptions::complete(conn, &m, &k, i32::from(status.as_u16()), &body)?;
            }
            Ok(())
        })
        .await
}

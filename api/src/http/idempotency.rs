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

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use gangonghui_persistence::{DbConn, idempotency, write_tx};
use serde::Serialize;
use tracing_actix_web::RequestId;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::error::{Answer, ApiError, Refusal};
use super::i18n::Lang;
use crate::crypto::sha256_hex;

/// How long keys are kept.
pub const RETENTION_HOURS: i64 = 24;

/// The longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// What a key can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumIter)]
pub enum IdempotencyError {
    #[error("Idempotency-Key header required")]
    KeyRequired,
    #[error("Idempotency-Key is not 1-255 visible ASCII characters")]
    KeyInvalid,
    #[error("Idempotency-Key reused with a different body")]
    Mismatch,
    #[error("a request with this Idempotency-Key is still running")]
    InProgress,
}

impl Refusal for IdempotencyError {
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            IdempotencyError::KeyRequired => Answer::new(
                S::BAD_REQUEST,
                "idempotency.key_required",
                "请提供 Idempotency-Key 请求头",
                "Send an Idempotency-Key header",
            ),
            IdempotencyError::KeyInvalid => Answer::new(
                S::BAD_REQUEST,
                "idempotency.key_invalid",
                "Idempotency-Key 须为 1-255 个可见 ASCII 字符",
                "Idempotency-Key must be 1-255 visible ASCII characters",
            ),
            IdempotencyError::Mismatch => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "idempotency.mismatch",
                "同一 Idempotency-Key 的请求内容不一致",
                "Idempotency-Key reused with another body",
            ),
            IdempotencyError::InProgress => Answer::new(
                S::CONFLICT,
                "idempotency.in_progress",
                "相同请求正在处理中",
                "The same request is still in progress",
            ),
        }
    }
}

/// The `Idempotency-Key` header of an unsafe POST, with what storing a refusal needs: the
/// caller's language and the request id. Extraction never fails; the header is judged by
/// [`IdempotencyKey::keyed`], after authentication, so an unauthenticated caller learns nothing
/// about it.
pub struct IdempotencyKey {
    key: Result<String, IdempotencyError>,
    lang: Lang,
    request_id: Option<String>,
}

/// The header's rule, as the spec states it: 1-255 visible ASCII characters, no spaces.
pub fn valid_key(raw: &[u8]) -> bool {
    (1..=MAX_KEY_LEN).contains(&raw.len()) && raw.iter().all(|b| b.is_ascii_graphic())
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get("idempotency-key") {
            None => Err(IdempotencyError::KeyRequired),
            Some(v) if valid_key(v.as_bytes()) => {
                Ok(String::from_utf8_lossy(v.as_bytes()).into_owned())
            }
            Some(_) => Err(IdempotencyError::KeyInvalid),
        };
        ready(Ok(IdempotencyKey {
            key,
            lang: Lang::from_headers(req.headers()),
            request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
        }))
    }
}

impl utoipa::IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_KEY_LEN))
            .pattern(Some("^[!-~]+$"));
        vec![
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(
                    "1-255 visible ASCII characters (no spaces), unique per operation, e.g. a \
                     UUID. Kept 24 h per merchant: the same key and body replay the first \
                     answer; a different body is 422 `idempotency.mismatch`; a retry while the \
                     first is running is 409 `idempotency.in_progress`.",
                ))
                .schema(Some(schema))
                .build(),
        ]
    }
}

impl IdempotencyKey {
    /// The header, checked: absent is `idempotency.key_required`, malformed `key_invalid`.
    pub fn checked(self) -> Result<Self, ApiError> {
        match &self.key {
            Ok(_) => Ok(self),
            Err(e) => Err(e.clone().into()),
        }
    }

    /// The key as it stands for one request body within `scope` (keys are a merchant's own).
    pub fn keyed(self, scope: &str, body: &impl Serialize) -> Result<Keyed, ApiError> {
        let key = self.key?;
        let request_hash = sha256_hex(&serde_json::to_vec(body).map_err(ApiError::internal)?);
        Ok(Keyed {
            scope: scope.to_owned(),
            key,
            request_hash,
            lang: self.lang,
            request_id: self.request_id,
        })
    }
}

/// The request a key stands for; owned, so it can move into a database job.
pub struct Keyed {
    scope: String,
    key: String,
    request_hash: String,
    lang: Lang,
    request_id: Option<String>,
}

impl Keyed {
    /// A refusal as it is stored and replayed: the problem in the caller's language.
    fn render(&self, e: &ApiError) -> Stored {
        Stored {
            status: e.kind().0,
            body: serde_json::to_string(&e.problem(self.lang, self.request_id.clone()))
                .unwrap_or_default(),
        }
    }
}

/// A stored answer: status and body text.
pub struct Stored {
    pub status: StatusCode,
    pub body: String,
}

impl Stored {
    /// A 200 answer with `dto` as its JSON body.
    pub fn ok(dto: &impl Serialize) -> Result<Stored, ApiError> {
        Ok(Stored {
            status: StatusCode::OK,
            body: serde_json::to_string(dto).map_err(ApiError::internal)?,
        })
    }

    /// A 201 answer with `dto` as its JSON body.
    pub fn created(dto: &impl Serialize) -> Result<Stored, ApiError> {
        Ok(Stored {
            status: StatusCode::CREATED,
            body: serde_json::to_string(dto).map_err(ApiError::internal)?,
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
        Err(Attempt::Settled) => return replay(conn, req),
        Err(Attempt::Unstored(e)) => return Err(e),
        Err(Attempt::Refused(e)) => req.render(&e),
    };
    match write_tx(conn, |c| {
        let now = begin(c, req, now)?;
        store(c, req, refusal, now)
    }) {
        Ok(stored) => Ok(stored),
        Err(Attempt::Settled) => replay(conn, req),
        Err(Attempt::Unstored(e) | Attempt::Refused(e)) => Err(e),
    }
}

/// Starts an attempt: refuses a key in flight, now and then forgets expired keys.
fn begin(c: &mut DbConn, req: &Keyed, now: DateTime<Utc>) -> Result<NaiveDateTime, Attempt> {
    let now = now.naive_utc();
    if !idempotency::try_mark_in_flight(c, &req.scope, &req.key)? {
        return Err(Attempt::Unstored(IdempotencyError::InProgress.into()));
    }
    if rand::random::<u16>().is_multiple_of(1024) {
        idempotency::forget_before(c, now - Duration::hours(RETENTION_HOURS))?;
    }
    Ok(now)
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
    )? {
        Ok(stored)
    } else {
        Err(Attempt::Settled)
    }
}

/// The stored answer of a settled key, if this request is the one it stands for.
fn replay(conn: &mut DbConn, req: &Keyed) -> Result<Stored, ApiError> {
    let row =
        idempotency::find_key(conn, &req.scope, &req.key)?.ok_or(IdempotencyError::InProgress)?;
    if row.request_hash != req.request_hash {
        return Err(IdempotencyError::Mismatch.into());
    }
    match (row.response_status, row.response_body) {
        (Some(status), Some(body)) => Ok(Stored {
            status: StatusCode::from_u16(status as u16).map_err(ApiError::internal)?,
            body,
        }),
        _ => Err(IdempotencyError::InProgress.into()),
    }
}

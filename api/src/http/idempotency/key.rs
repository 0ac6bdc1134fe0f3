//! The `Idempotency-Key` header: what it may hold, what it refuses, and the request a key
//! stands for ([`Keyed`]), which [`super::once`] runs at most once.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest};
use gangonghui_domain::ids::MerchantId;
use serde::Serialize;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::Stored;
use crate::crypto::sha256_hex;
use crate::http::error::{Answer, ApiError, Refusal};
use crate::http::i18n::Lang;
use crate::http::request_id::RequestId;

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
fn valid_key(raw: &[u8]) -> bool {
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
            request_id: RequestId::of(req),
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
    pub fn keyed(self, scope: &MerchantId, body: &impl Serialize) -> Result<Keyed, ApiError> {
        let key = self.key?;
        let request_hash = sha256_hex(&serde_json::to_vec(body).map_err(ApiError::internal)?);
        Ok(Keyed {
            scope: scope.clone(),
            key,
            request_hash,
            lang: self.lang,
            request_id: self.request_id,
        })
    }
}

/// The request a key stands for; owned, so it can move into a database job.
pub struct Keyed {
    pub(super) scope: MerchantId,
    pub(super) key: String,
    pub(super) request_hash: String,
    lang: Lang,
    request_id: Option<String>,
}

impl Keyed {
    /// A refusal as it is stored and replayed: the problem in the caller's language.
    pub(super) fn render(&self, e: &ApiError) -> Stored {
        Stored {
            status: e.kind().0,
            body: serde_json::to_string(&e.problem(self.lang, self.request_id.clone()))
                .unwrap_or_default(),
            replayed: false,
        }
    }
}

//! `ValidJson<T>`: a JSON body checked against `T`'s own OpenAPI schema before it is
//! deserialised, so a client learns about every bad field in one 422, not only the first.
//!
//! Read by the handler after authentication. Order of checks, each with its own status: content
//! type (415), size (413), JSON syntax (400), schema (422 listing every field), then serde (422
//! for anything the schema cannot express).

use std::any::TypeId;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock, RwLock};

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::schema_check::{CompiledSchema, check};
use values::{forbidden_characters, integral_floats_as_integers, may_hold_forbidden};

mod values;
use crate::http::{ApiError, FieldIssueKind, Rule};

/// The largest JSON body accepted (API.md: over 64 KiB -> 413).
pub const JSON_LIMIT: usize = 64 * 1024;

/// A request body that is well-formed JSON matching `T` in every field, read only when the
/// handler asks for it. Extraction never fails: the body is read and judged after every other
/// extractor (authentication, role) has succeeded, so a caller who may not call the route never
/// learns anything about its body, and nothing is buffered for them.
pub struct ValidJson<T> {
    payload: Payload,
    media_ok: bool,
    declared_len: Option<usize>,
    _body: PhantomData<fn() -> T>,
}

impl<T> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared_len = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        ready(Ok(ValidJson {
            payload: payload.take(),
            media_ok: is_json_media_type(req),
            declared_len,
            _body: PhantomData,
        }))
    }
}

impl<T: DeserializeOwned + ToSchema + 'static> ValidJson<T> {
    /// Reads the body and checks it: media type (415), size (413), syntax (400), schema (422).
    pub async fn read(mut self) -> Result<T, ApiError> {
        if !self.media_ok {
            return Err(ApiError::UnsupportedMediaType);
        }
        if self.declared_len.is_some_and(|n| n > JSON_LIMIT) {
            return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = self.payload.next().await {
            let chunk =
                chunk.map_err(|_| ApiError::MalformedBody("the body was cut short".into()))?;
            if body.len() + chunk.len() > JSON_LIMIT {
                return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
            }
            body.extend_from_slice(&chunk);
        }
        parse::<T>(&body)
    }
}

/// Parses and checks a body: syntax, then schema, then serde.
pub fn parse<T: DeserializeOwned + ToSchema + 'static>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedBody(syntax_position(&e)))?;
    integral_floats_as_integers(&mut value);
    let mut issues = Vec::new();
    if may_hold_forbidden(body) {
        forbidden_characters(&value, "", &mut issues);
    }
    issues.extend(check(&schema_of::<T>(), &value));
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        ApiError::field(
            field,
            FieldIssueKind::Invalid {
                reason: Rule::InvalidValue,
            },
        )
    })
}

/// Where the syntax broke, never the content (which may be personal data).
fn syntax_position(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of input".into(),
        _ => format!("line {} column {}", e.line(), e.column()),
    }
}

fn is_json_media_type(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The compiled schema of `T`, built once per type: generating it allocates a whole tree.
fn schema_of<T: ToSchema + 'static>() -> Arc<CompiledSchema> {
    static CACHE: OnceLock<RwLock<HashMap<TypeId, Arc<CompiledSchema>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let id = TypeId::of::<T>();
    if let Some(found) = cache.read().unwrap_or_else(|p| p.into_inner()).get(&id) {
        return Arc::clone(found);
    }
    let compiled = Arc::new(CompiledSchema::of::<T>());
    cache
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .entry(id)
        .or_insert(compiled)
        .clone()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;

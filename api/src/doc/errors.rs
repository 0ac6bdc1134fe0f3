//! Errors in the spec: per operation, every status it can answer with the `code` values each
//! status carries, and `Problem.code` as the enum of every code the server can send.
//!
//! What an operation's security, body and parameters imply is added here for all of them alike;
//! what only its service can refuse is listed by its feature's `refusals()` next to its handlers.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::StatusCode;
use serde_json::{Value, json};
use strum::IntoEnumIterator;

use crate::auth::AuthError;
use crate::http::ApiError;
use crate::http::error::Answer;
use crate::http::idempotency::IdempotencyError;
use crate::membership::MemberError;
use crate::merchants::MerchantError;

/// What the operations named by their `operationId` can refuse, beyond the implied errors.
pub type Refusals = Vec<(&'static str, Vec<Answer>)>;

/// Every answer the server can give as a problem: the generic ones and every feature variant.
fn catalogue() -> Vec<Answer> {
    let generic = [
        ApiError::MalformedBody(String::new()),
        ApiError::Validation(Vec::new()),
        ApiError::PayloadTooLarge { limit: 0 },
        ApiError::UnsupportedMediaType,
        ApiError::NotFound,
        ApiError::MethodNotAllowed { allow: Vec::new() },
        ApiError::Unavailable {
            components: Vec::new(),
        },
        ApiError::Status(StatusCode::BAD_REQUEST),
        ApiError::internal(anyhow::anyhow!("catalogue")),
    ];
    let mut all: Vec<Answer> = generic.into_iter().map(Answer::from).collect();
    all.extend(AuthError::iter().map(Answer::from));
    all.extend(MemberError::iter().map(Answer::from));
    all.extend(MerchantError::iter().map(Answer::from));
    all.extend(IdempotencyError::iter().map(Answer::from));
    all.extend(crate::legal_aid::LegalAidError::iter().map(Answer::from));
    all
}

/// What every operation with these traits can answer, whatever its service does.
fn implied(op: &Value) -> Vec<Answer> {
    let schemes: BTreeSet<&str> = op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().map(String::as_str))
        .collect();
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let has_param = |place: &str, name: Option<&str>| {
        params
            .iter()
            .any(|p| p["in"] == place && name.is_none_or(|n| p["name"].as_str() == Some(n)))
    };
    let mut errors: Vec<Answer> = vec![
        // Any request may come through the signed mini-program client.
        AuthError::ClientSignatureInvalid.into(),
        ApiError::internal(anyhow::anyhow!("implied")).into(),
    ];
    // Every API operation reads the database (the caller's session at least), so each answers
    // 503 with Retry-After while it cannot be reached; the service endpoints state their own.
    let service = op["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|t| t == "service"));
    if !service {
        errors.push(ApiError::database_unavailable().into());
    }
    if !schemes.is_empty() {
        errors.extend_from_slice(&[
            AuthError::MissingToken.into(),
            AuthError::InvalidToken.into(),
            AuthError::SessionEnded.into(),
            AuthError::ClientRequired.into(),
        ]);
    }
    if schemes.contains("api_key") {
        errors.extend_from_slice(&[
            AuthError::Forbidden.into(),
            MerchantError::Suspended.into(),
            MerchantError::NotFound.into(),
        ]);
    }
    if op.get("requestBody").is_some() {
        errors.extend_from_slice(&[
            ApiError::MalformedBody(String::new()).into(),
            ApiError::PayloadTooLarge { limit: 0 }.into(),
            ApiError::UnsupportedMediaType.into(),
            ApiError::Validation(Vec::new()).into(),
        ]);
    }
    if has_param("query", None) {
        errors.push(ApiError::Validation(Vec::new()).into());
    }
    if has_param("header", Some("Idempotency-Key")) {
        errors.extend(IdempotencyError::iter().map(Answer::from));
    }
    errors
}

/// Writes each operation's error responses and the `Problem.code` enum into the document.
pub fn document(spec: &mut Value, refusals: &Refusals) {
    let listed: BTreeMap<&str, &Vec<Answer>> =
        refusals.iter().map(|(op, errors)| (*op, errors)).collect();
    for op in super::operations_mut(spec) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        let mut errors = implied(op);
        errors.extend(listed.get(id.as_str()).into_iter().flat_map(|e| e.iter()));
        if let Some(responses) = op["responses"].as_object_mut() {
            responses.retain(|status, _| !status.ends_with("XX"));
            for (status, codes) in by_status(&errors) {
                responses.insert(status.to_string(), problem_response(status, &codes));
            }
        }
    }
    let codes: BTreeSet<&str> = catalogue().iter().map(|a| a.code).collect();
    spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] = json!(codes);
    let field_code = &mut spec["components"]["schemas"]["FieldError"]["properties"]["code"];
    field_code["enum"] = json!(crate::http::FieldIssueKind::codes());
    field_code["description"] = json!(
        "Stable machine code: a schema keyword broken (`required` .. `above_maximum`) or a \
         named rule of the field (`phone`, `id_number_check`, `offer_terms`, ...)."
    );
}

fn by_status(answers: &[Answer]) -> BTreeMap<u16, BTreeSet<&'static str>> {
    let mut out: BTreeMap<u16, BTreeSet<&'static str>> = BTreeMap::new();
    for answer in answers {
        out.entry(answer.status.as_u16())
            .or_default()
            .insert(answer.code);
    }
    out
}

fn problem_response(status: u16, codes: &BTreeSet<&str>) -> Value {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let listed: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
    let mut headers = serde_json::Map::new();
    headers.insert(
        "X-Request-Id".into(),
        json!({"$ref": "#/components/headers/X-Request-Id"}),
    );
    match status {
        401 => {
            headers.insert(
                "WWW-Authenticate".into(),
                json!({"$ref": "#/components/headers/WWW-Authenticate"}),
            );
        }
        429 | 503 => {
            headers.insert(
                "Retry-After".into(),
                json!({"$ref": "#/components/headers/Retry-After"}),
            );
            if status == 429 {
                for name in ["RateLimit", "RateLimit-Policy"] {
                    let reference = format!("#/components/headers/{name}");
                    headers.insert(name.into(), json!({ "$ref": reference }));
                }
            }
        }
        _ => {}
    }
    json!({
        "description": format!("{reason}: {}", listed.join(", ")),
        "headers": headers,
        "content": {
            gangonghui_openapi::PROBLEM_JSON: {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Problem"},
                        {"type": "object", "properties": {"code": {"enum": codes}}}
                    ]
                }
            }
        }
    })
}

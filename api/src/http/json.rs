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
use crate::http::{ApiError, FieldIssue, FieldIssueKind, Rule};

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
    nul_characters(&value, "", &mut issues);
    issues.extend(check(&schema_of::<T>(), &value));
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        ApiError::Validation(vec![FieldIssue::new(
            field,
            FieldIssueKind::Invalid {
                reason: Rule::InvalidValue,
            },
        )])
    })
}

/// Every text holding U+0000, by its path: no field takes one (the database refuses it).
fn nul_characters(value: &serde_json::Value, path: &str, issues: &mut Vec<FieldIssue>) {
    use serde_json::Value;
    let join = |key: &str| match path {
        "" => key.to_owned(),
        _ => format!("{path}.{key}"),
    };
    match value {
        Value::String(s) if s.contains('\0') => issues.push(FieldIssue::new(
            path,
            FieldIssueKind::Invalid {
                reason: Rule::NulCharacter,
            },
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| nul_characters(v, &format!("{path}[{i}]"), issues)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| {
            let key = k.replace('\0', "\u{fffd}");
            if k.contains('\0') {
                issues.push(FieldIssue::new(
                    join(&key),
                    FieldIssueKind::Invalid {
                        reason: Rule::NulCharacter,
                    },
                ));
            }
            nul_characters(v, &join(&key), issues)
        }),
        _ => {}
    }
}

/// JSON Schema counts `5.0` as an integer; serde does not read it into an `i64`. Whole numbers
/// written with a fraction become integers before the check, so both agree with the spec.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
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
mod tests {
    use super::parse;
    use crate::http::{ApiError, FieldIssueKind};
    use serde::Deserialize;
    use utoipa::ToSchema;

    #[derive(Debug, Deserialize, ToSchema, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Purpose {
        Register,
        Login,
    }

    #[derive(Debug, Deserialize, ToSchema, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Line {
        #[schema(minimum = 1)]
        amount_fen: i64,
    }

    #[derive(Debug, Deserialize, ToSchema, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Form {
        #[schema(min_length = 2, max_length = 8)]
        name: String,
        purpose: Purpose,
        age: Option<u8>,
        #[schema(maximum = 100)]
        count: i64,
        lines: Vec<Line>,
        flag: Option<bool>,
    }

    fn issues(body: &str) -> Vec<(String, String)> {
        match parse::<Form>(body.as_bytes()) {
            Err(ApiError::Validation(issues)) => issues
                .into_iter()
                .map(|i| {
                    let kind = match i.kind {
                        FieldIssueKind::Required => "required",
                        FieldIssueKind::UnknownField => "unknown_field",
                        FieldIssueKind::InvalidType { .. } => "invalid_type",
                        FieldIssueKind::NotOneOf { .. } => "not_one_of",
                        FieldIssueKind::TooShort { .. } => "too_short",
                        FieldIssueKind::TooLong { .. } => "too_long",
                        FieldIssueKind::BelowMinimum { .. } => "below_minimum",
                        FieldIssueKind::AboveMaximum { .. } => "above_maximum",
                        FieldIssueKind::Invalid { reason } => reason.into(),
                    };
                    (i.field, kind.to_owned())
                })
                .collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_body_parses() {
        let form = parse::<Form>(
            br#"{"name":"Li","purpose":"login","count":3,"lines":[{"amount_fen":5}],"age":null}"#,
        );
        assert_eq!(
            form.ok().map(|f| (f.name, f.purpose, f.age, f.lines.len())),
            Some(("Li".into(), Purpose::Login, None, 1))
        );
    }

    #[test]
    fn every_bad_field_is_listed_at_once() {
        let mut found = issues(
            r#"{"name":"x","purpose":"fly","age":"ten","count":101,"lines":[{"amount_fen":0},{"amount_fen":1,"extra":1}],"bogus":true}"#,
        );
        found.sort();
        let mut expected = vec![
            ("name".to_owned(), "too_short".to_owned()),
            ("purpose".into(), "not_one_of".into()),
            ("age".into(), "invalid_type".into()),
            ("count".into(), "above_maximum".into()),
            ("lines[0].amount_fen".into(), "below_minimum".into()),
            ("lines[1].extra".into(), "unknown_field".into()),
            ("bogus".into(), "unknown_field".into()),
        ];
        expected.sort();
        assert_eq!(found, expected);
    }

    #[test]
    fn missing_and_null_required_fields_are_required() {
        let mut found = issues(r#"{"name":null}"#);
        found.sort();
        assert_eq!(
            found,
            vec![
                ("count".to_owned(), "required".to_owned()),
                ("lines".into(), "required".into()),
                ("name".into(), "required".into()),
                ("purpose".into(), "required".into()),
            ]
        );
    }

    #[test]
    fn integers_out_of_their_type_range_are_rejected() {
        let found = issues(r#"{"name":"Li","purpose":"login","count":3,"lines":[],"age":300}"#);
        assert_eq!(found, vec![("age".to_owned(), "above_maximum".to_owned())]);
        let found = issues(r#"{"name":"Li","purpose":"login","count":1.5,"lines":[]}"#);
        assert_eq!(found, vec![("count".to_owned(), "invalid_type".to_owned())]);
    }

    #[test]
    fn a_nul_character_anywhere_is_named_with_the_other_issues() {
        let mut found = issues(
            r#"{"name":"L\u0000i","purpose":"login","count":101,"lines":[{"amount_fen":1}],"age":null}"#,
        );
        found.sort();
        assert_eq!(
            found,
            vec![
                ("count".to_owned(), "above_maximum".to_owned()),
                ("name".into(), "nul_character".into()),
            ]
        );
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        let form = parse::<Form>(br#"{"name":"Li","purpose":"login","count":3.0,"lines":[]}"#);
        assert_eq!(form.ok().map(|f| f.count), Some(3));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_one_issue() {
        assert_eq!(
            issues("[1,2]"),
            vec![(String::new(), "invalid_type".to_owned())]
        );
    }

    #[test]
    fn syntax_errors_are_400_and_name_only_the_position() {
        match parse::<Form>(br#"{"name": "secret-id-3601""#) {
            Err(ApiError::MalformedBody(why)) => assert!(!why.contains("secret"), "{why}"),
            other => panic!("expected malformed body, got {other:?}"),
        }
        assert!(matches!(
            parse::<Form>(b"not json"),
            Err(ApiError::MalformedBody(_))
        ));
    }
}

//! `ValidQuery<T>`: the query string, parsed when the handler asks for it (after authentication
//! and role), with every 422 naming the parameter that is wrong.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;

use super::{ApiError, FieldIssueKind, Rule};

/// A query string to be read as `T`; extraction never fails.
pub struct ValidQuery<T> {
    raw: String,
    _query: PhantomData<fn() -> T>,
}

impl<T> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ValidQuery {
            raw: req.query_string().to_owned(),
            _query: PhantomData,
        }))
    }
}

impl<T: DeserializeOwned> ValidQuery<T> {
    /// The parameters, or a 422 naming the first one that does not parse.
    pub fn read(self) -> Result<T, ApiError> {
        parse(&self.raw)
    }
}

/// Parses a query string; an error names its parameter and says what kind of wrong it is.
pub fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(raw.as_bytes());
    for (name, value) in pairs {
        if let Some(reason) = Rule::for_text(&name).or_else(|| Rule::for_text(&value)) {
            return Err(ApiError::field(name, FieldIssueKind::Invalid { reason }));
        }
    }
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs)).map_err(|e| {
        let message = e.inner().to_string();
        let (field, kind) = match backticked(&message, "missing field ") {
            Some(name) => (name, FieldIssueKind::Required),
            None if message.starts_with("unknown variant") => (
                e.path().to_string(),
                FieldIssueKind::Invalid {
                    reason: Rule::NotOneOf,
                },
            ),
            None if message.starts_with("duplicate field") => (
                backticked(&message, "duplicate field ").unwrap_or_else(|| e.path().to_string()),
                FieldIssueKind::Invalid {
                    reason: Rule::Duplicate,
                },
            ),
            None => (
                e.path().to_string(),
                FieldIssueKind::InvalidType {
                    expected: "the documented type".into(),
                },
            ),
        };
        ApiError::field(field, kind)
    })
}

/// `name` from a serde message such as "missing field `name`".
fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split('`').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::http::{ApiError, FieldIssueKind};
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Pending,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Q {
        month: String,
        limit: Option<i64>,
        status: Option<Status>,
    }

    fn issue(raw: &str) -> (String, FieldIssueKind) {
        match parse::<Q>(raw) {
            Err(ApiError::Validation(mut v)) if v.len() == 1 => {
                let i = v.remove(0);
                (i.field, i.kind)
            }
            other => panic!("expected one issue, got {other:?}"),
        }
    }

    #[test]
    fn each_error_names_its_parameter() {
        assert_eq!(issue("limit=3").0, "month");
        assert_eq!(issue("limit=3").1, FieldIssueKind::Required);
        assert_eq!(issue("month=2026-01&limit=ten").0, "limit");
        assert_eq!(issue("month=2026-01&status=gone").0, "status");
        assert!(parse::<Q>("month=2026-01&limit=5&status=pending&other=1").is_ok());
    }
}

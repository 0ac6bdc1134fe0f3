//! Shared HTTP machinery: the error type and its status/code table, JSON extraction with the
//! schema checker, the field-issue collector, pagination, middleware, language negotiation,
//! health and the fallback for unknown routes. Features use it; it knows no feature.

pub mod access_log;
mod answer;
pub mod cors;
pub mod drain;
pub mod error;
pub mod fallback;
pub mod health;
pub mod hygiene;
pub mod i18n;
pub mod idempotency;
pub mod json;
pub mod middleware;
pub mod pagination;
pub mod query;
pub mod request_id;
pub mod request_span;
mod schema_check;
mod unavailable;
pub mod validation;

pub use error::ApiError;
pub use json::{JSON_LIMIT, ValidJson};
pub use query::ValidQuery;
pub use validation::{FieldIssue, FieldIssueKind, Issues, Rule};

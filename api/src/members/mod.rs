//! Union org units, membership and benefit cards with one-time counter codes.

pub mod cards;
pub mod codes;
pub mod dto;
mod error;
pub mod membership;
pub mod orgs;

pub use error::MemberError;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Lists page by the last id seen; the cursor hides that it is an id.
pub fn encode_cursor(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_id)
}

pub fn decode_cursor(cursor: &str) -> Result<String, crate::error::ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            crate::error::ApiError::Validation(vec![crate::error::FieldIssue::new(
                "cursor",
                crate::error::FieldIssueKind::Invalid { reason: "cursor" },
            )])
        })
}

/// `?limit=`: default 20, at most 100.
pub fn page_size(limit: Option<i64>) -> Result<i64, crate::error::ApiError> {
    match limit {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(crate::error::ApiError::Validation(vec![
            crate::error::FieldIssue::new(
                "limit",
                crate::error::FieldIssueKind::AboveMaximum { max: "100".into() },
            ),
        ])),
    }
}

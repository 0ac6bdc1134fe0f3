//! Keyset pagination: `?limit=` (default 20, at most 100) and an opaque `?cursor=`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::validation::{FieldIssue, FieldIssueKind};

/// `?limit=&cursor=` of a list that takes no other filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1-100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists page by the last id seen; the cursor hides that it is an id.
pub fn encode_cursor(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_id)
}

pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::Validation(vec![FieldIssue::new(
                "cursor",
                FieldIssueKind::Invalid { reason: "cursor" },
            )])
        })
}

/// `?limit=`: default 20, at most 100.
pub fn page_size(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::Validation(vec![FieldIssue::new(
            "limit",
            FieldIssueKind::AboveMaximum { max: "100".into() },
        )])),
    }
}

/// One page asked for: `limit` rows after the opaque `cursor` (the id of the last row seen).
pub struct Keyset {
    pub after: Option<String>,
    pub limit: i64,
}

impl Keyset {
    /// `?limit=` then `?cursor=`, each checked as [`page_size`] and [`decode_cursor`] do.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Keyset, ApiError> {
        let limit = page_size(limit)?;
        let after = cursor.map(decode_cursor).transpose()?;
        Ok(Keyset { after, limit })
    }
}

/// Builds a page from `limit + 1` rows: the extra row only says whether there is a next page.
pub fn page<R, D, P>(
    mut rows: Vec<R>,
    limit: i64,
    id: impl Fn(&R) -> String,
    dto: impl Fn(R) -> D,
    build: impl Fn(Vec<D>, Option<String>) -> P,
) -> P {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| encode_cursor(&id(r)))
    } else {
        None
    };
    build(rows.into_iter().map(dto).collect(), next)
}

//! Keyset pagination: `?limit=` (default 20, at most 100) and an opaque `?cursor=`.

use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Rule;
use super::error::ApiError;
use super::validation::FieldIssueKind;

/// The fewest and most items a page may hold, and how many a page holds when not asked.
pub const MIN_LIMIT: i64 = 1;
pub const MAX_LIMIT: i64 = 100;
pub const DEFAULT_LIMIT: i64 = 20;

/// `?limit=&cursor=` of a list that takes no other filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page asked for, `limit` and `cursor` checked.
    pub fn keyset(&self) -> Result<Keyset, ApiError> {
        Keyset::parse(self.limit, self.cursor.as_deref())
    }
}

/// Lists page by the last id seen; the cursor hides that it is an id.
pub fn encode_cursor(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_id)
}

/// `?cursor=`: absent or empty is the first page; anything else must be base64url text.
pub fn cursor(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.filter(|c| !c.is_empty()).map(decode_cursor).transpose()
}

/// Any base64url text (the spec's pattern) is a position: a forged cursor can only move the page,
/// never fail it, and the spec's promise that a schema-valid request is accepted holds.
fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireNone),
    );
    LENIENT
        .decode(cursor)
        .ok()
        // PostgreSQL text cannot hold U+0000: a forged position keeps its place without it.
        .map(|b| String::from_utf8_lossy(&b).replace('\0', "\u{fffd}"))
        .ok_or_else(|| {
            ApiError::field(
                "cursor",
                FieldIssueKind::Invalid {
                    reason: Rule::Cursor,
                },
            )
        })
}

/// `?limit=`: default 20, 1 to 100.
pub fn page_size(limit: Option<i64>) -> Result<i64, ApiError> {
    let kind = match limit {
        None => return Ok(DEFAULT_LIMIT),
        Some(n) if (MIN_LIMIT..=MAX_LIMIT).contains(&n) => return Ok(n),
        Some(n) if n < MIN_LIMIT => FieldIssueKind::BelowMinimum {
            min: MIN_LIMIT.to_string(),
        },
        Some(_) => FieldIssueKind::AboveMaximum {
            max: MAX_LIMIT.to_string(),
        },
    };
    Err(ApiError::field("limit", kind))
}

/// One page asked for: `limit` rows after the opaque `cursor` (the id of the last row seen).
pub struct Keyset {
    pub after: Option<String>,
    pub limit: i64,
}

impl Keyset {
    /// `?limit=` then `?cursor=`, each checked as [`page_size`] and [`cursor`] do.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Keyset, ApiError> {
        let limit = page_size(limit)?;
        let after = self::cursor(cursor)?;
        Ok(Keyset { after, limit })
    }

    /// The cursor's position as the id of the rows listed.
    pub fn after_id<Id: From<String>>(&self) -> Option<Id> {
        self.after.clone().map(Id::from)
    }
}

/// Builds a page from `limit + 1` rows: the extra row only says whether there is a next page.
pub fn page<R, I: AsRef<str>, D, P>(
    mut rows: Vec<R>,
    limit: i64,
    id: impl Fn(&R) -> I,
    dto: impl Fn(R) -> D,
    build: impl Fn(Vec<D>, Option<String>) -> P,
) -> P {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| encode_cursor(id(r).as_ref()))
    } else {
        None
    };
    build(rows.into_iter().map(dto).collect(), next)
}

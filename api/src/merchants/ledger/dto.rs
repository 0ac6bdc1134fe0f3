//! Wire types of reversals, the day ledger, settlements and the member's history.

use chrono::{DateTime, Utc};
use gangonghui_domain::ids::{RedemptionId, ReversalId};
use gangonghui_domain::time::{day_key, month_key, parse_day, parse_month, shanghai_date};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::{ApiError, FieldIssueKind, Rule};
use crate::merchants::counter::dto::RedemptionDto;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReversalDto {
    #[schema(value_type = String)]
    pub id: ReversalId,
    #[schema(value_type = String)]
    pub redemption_id: RedemptionId,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub created_at: DateTime<Utc>,
}

impl From<gangonghui_persistence::redemptions::ReversalRow> for ReversalDto {
    fn from(r: gangonghui_persistence::redemptions::ReversalRow) -> Self {
        ReversalDto {
            id: r.id,
            redemption_id: r.redemption_id,
            original_fen: r.original_fen,
            discount_fen: r.discount_fen,
            payable_fen: r.payable_fen,
            created_at: r.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Asia/Shanghai day, `YYYY-MM-DD` (default today).
    #[param(format = Date)]
    pub date: Option<String>,
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

impl LedgerQuery {
    /// The asked day as `YYYY-MM-DD`, today (Asia/Shanghai) when not given.
    pub fn day(&self, now: DateTime<Utc>) -> Result<String, ApiError> {
        let day = match &self.date {
            Some(raw) => parse_day(raw).ok_or_else(|| invalid("date", Rule::Date))?,
            None => shanghai_date(now),
        };
        Ok(day_key(day))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryDto {
    #[serde(flatten)]
    pub redemption: RedemptionDto,
    pub reversed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerDto {
    pub date: String,
    pub items: Vec<LedgerEntryDto>,
    pub next_cursor: Option<String>,
}

/// A page of the merchant's whole history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryDto {
    pub items: Vec<LedgerEntryDto>,
    pub next_cursor: Option<String>,
}

/// A history page's position: the day and id of the last row seen, hidden in the cursor. Any
/// cursor is a position (as every list's is): one without the separator starts at its text.
pub fn history_position(cursor: &str) -> (String, String) {
    let (day, id) = cursor.split_once('|').unwrap_or((cursor, ""));
    (day.to_owned(), id.to_owned())
}

/// The cursor text of a history row.
pub fn history_cursor(local_date: &str, id: &str) -> String {
    format!("{local_date}|{id}")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettlementQuery {
    /// `YYYY-MM` (default this month, Asia/Shanghai).
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: Option<String>,
}

impl SettlementQuery {
    /// The asked month as `YYYY-MM`, this month (Asia/Shanghai) when not given.
    pub fn month(&self, now: DateTime<Utc>) -> Result<String, ApiError> {
        let first = match &self.month {
            Some(raw) => parse_month(raw).ok_or_else(|| invalid("month", Rule::Month))?,
            None => shanghai_date(now),
        };
        Ok(month_key(first))
    }
}

fn invalid(field: &'static str, reason: Rule) -> ApiError {
    ApiError::field(field, FieldIssueKind::Invalid { reason })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementDayDto {
    pub date: String,
    /// Redemptions recorded that day.
    pub count: i64,
    /// Reversals made that day (netted into the sums).
    pub reversals: i64,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementDto {
    pub month: String,
    pub days: Vec<SettlementDayDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyRedemptionsDto {
    pub items: Vec<RedemptionDto>,
    pub next_cursor: Option<String>,
}

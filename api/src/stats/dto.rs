//! Wire types of the statistics overview.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use gangonghui_domain::ids::OrgId;
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::time::{parse_month, shanghai_date};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::{ApiError, FieldIssueKind, Rule};

/// The longest span of months one overview covers.
pub const MAX_MONTHS: u32 = 60;
const DEFAULT_MONTHS: u32 = 12;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Last month of the redemption series, `YYYY-MM` (default: this month, Asia/Shanghai).
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub to: Option<String>,
    /// How many months the series covers, ending with `to` (default 12).
    #[param(minimum = 1, maximum = 60)]
    pub months: Option<u32>,
}

impl OverviewQuery {
    /// The first days of the first and the last month of the series.
    pub fn months(&self, now: DateTime<Utc>) -> Result<(NaiveDate, NaiveDate), ApiError> {
        let to = match &self.to {
            Some(raw) => parse_month(raw).ok_or_else(|| {
                ApiError::field(
                    "to",
                    FieldIssueKind::Invalid {
                        reason: Rule::Month,
                    },
                )
            })?,
            None => shanghai_date(now).with_day0(0).unwrap_or_default(),
        };
        let span = match self.months {
            None => DEFAULT_MONTHS,
            Some(n @ 1..=MAX_MONTHS) => n,
            Some(0) => {
                return Err(ApiError::field(
                    "months",
                    FieldIssueKind::BelowMinimum { min: "1".into() },
                ));
            }
            Some(_) => {
                let max = MAX_MONTHS.to_string();
                return Err(ApiError::field(
                    "months",
                    FieldIssueKind::AboveMaximum { max },
                ));
            }
        };
        // Before year 1 there is nothing to count: the series starts at the earliest month.
        let from = to
            .checked_sub_months(Months::new(span - 1))
            .unwrap_or(NaiveDate::MIN);
        Ok((from, to))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberCounts {
    /// Active memberships of unions in scope.
    pub active: i64,
    /// Membership applications waiting for a decision.
    pub pending_applications: i64,
}

/// Redemptions of one month (Asia/Shanghai) at merchants in scope, reversed ones excluded.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthDto {
    /// `YYYY-MM`
    pub month: String,
    pub count: i64,
    pub original_fen: i64,
    pub discount_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: CaseStatus,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCount {
    pub category: CaseCategory,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LegalAidFigures {
    /// Every state, zero included.
    pub by_status: Vec<StatusCount>,
    /// Every category, zero included.
    pub by_category: Vec<CategoryCount>,
    /// What resolved cases recovered for workers, in fen.
    pub recovered_fen: i64,
    /// Median days from submission to the first decision (accept or reject), over decided
    /// cases; absent when none is decided.
    pub median_days_to_decision: Option<f64>,
    /// Submitted requests past their review deadline now.
    pub overdue_reviews: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    /// The admin's org unit: the subtree every figure covers.
    #[schema(value_type = String)]
    pub org_id: OrgId,
    pub generated_at: DateTime<Utc>,
    pub members: MemberCounts,
    pub active_cards: i64,
    pub active_merchants: i64,
    /// One entry per month from `from` to `to`, zero months included.
    pub redemptions: Vec<MonthDto>,
    pub legal_aid: LegalAidFigures,
}

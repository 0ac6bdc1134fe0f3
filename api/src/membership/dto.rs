//! Wire types of membership applications and member attributes.

use chrono::{DateTime, Utc};
use gangonghui_domain::ids::{AccountId, MembershipApplicationId, OrgId};
use gangonghui_domain::membership::{ApplicationStatus, LaborModelLevel};
use gangonghui_persistence::memberships::ApplicationRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cards::dto::CardDto;
use crate::http::{ApiError, FieldIssueKind};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    /// The grassroots union to join.
    #[schema(value_type = String)]
    pub org_id: OrgId,
    #[schema(example = "江西铜业集团", min_length = 1, max_length = 128)]
    pub employer: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    pub status: Option<ApplicationStatus>,
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    #[schema(value_type = String)]
    pub id: MembershipApplicationId,
    /// `pending`, `approved` or `rejected`.
    pub status: ApplicationStatus,
    #[schema(value_type = String)]
    pub applicant_id: AccountId,
    #[schema(value_type = String)]
    pub org_id: OrgId,
    pub employer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<ApplicationRow> for ApplicationDto {
    fn from(a: ApplicationRow) -> Self {
        ApplicationDto {
            id: a.id,
            status: a.status,
            applicant_id: a.account_id,
            org_id: a.org_id,
            employer: a.employer,
            reason: a.reason,
            created_at: a.created_at.and_utc(),
            decided_at: a.decided_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationListDto {
    pub items: Vec<ApplicationDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    #[schema(example = "单位信息不符", min_length = 1, max_length = 200)]
    pub reason: String,
}

impl RejectBody {
    /// The reason, trimmed; blank is a missing reason.
    pub fn into_reason(self) -> Result<String, ApiError> {
        let reason = self.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(ApiError::field("reason", FieldIssueKind::Required));
        }
        Ok(reason)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    pub application: ApplicationDto,
    /// The card issued on approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberBody {
    pub labor_model_level: Option<LaborModelLevel>,
    pub hardship: Option<bool>,
}

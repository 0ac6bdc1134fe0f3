//! Wire types of org units, membership and cards.

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::membership::{ApplicationStatus, LaborModelLevel};
use gangonghui_domain::org::OrgLevel;
use gangonghui_persistence::cards::CardRow;
use gangonghui_persistence::memberships::ApplicationRow;
use gangonghui_persistence::orgs::OrgRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::codes::CounterCode;
use crate::http::Issues;
use crate::http::{ApiError, FieldIssueKind};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1-100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgsQuery {
    /// List the children of this unit; without it, the top of the tree.
    pub parent_id: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    pub parent_id: Option<String>,
    /// `province`, `city`, `county` or `grassroots`.
    pub level: String,
}

impl From<OrgRow> for OrgDto {
    fn from(o: OrgRow) -> Self {
        OrgDto {
            id: o.id,
            name: o.name,
            division_code: o.division_code,
            parent_id: o.parent_id,
            level: o.level,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgListDto {
    pub items: Vec<OrgDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewOrgLevelDto {
    County,
    Grassroots,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgBody {
    #[schema(example = "南昌市青山湖区总工会", min_length = 1, max_length = 64)]
    pub name: String,
    pub parent_id: String,
    pub level: NewOrgLevelDto,
    /// 6-digit division code (counties).
    #[schema(example = "360111", min_length = 6, max_length = 6)]
    pub division_code: Option<String>,
}

impl CreateOrgBody {
    pub fn into_domain(self) -> Result<super::orgs::NewOrgCmd, ApiError> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().any(char::is_control) {
            issues.push("name", FieldIssueKind::Invalid { reason: "name" });
        }
        if let Some(code) = &self.division_code
            && !(code.len() == 6
                && code.bytes().all(|b| b.is_ascii_digit())
                && code.starts_with("36"))
        {
            issues.push(
                "division_code",
                FieldIssueKind::Invalid {
                    reason: "division_code",
                },
            );
        }
        let level = match self.level {
            NewOrgLevelDto::County => OrgLevel::County,
            NewOrgLevelDto::Grassroots => OrgLevel::Grassroots,
        };
        issues.finish(|| {
            Some(super::orgs::NewOrgCmd {
                name,
                parent_id: self.parent_id,
                level,
                division_code: self.division_code,
            })
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    /// The grassroots union to join.
    pub org_id: String,
    #[schema(example = "江西铜业集团", min_length = 1, max_length = 128)]
    pub employer: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatusDto {
    Pending,
    Approved,
    Rejected,
}

impl From<ApplicationStatusDto> for ApplicationStatus {
    fn from(s: ApplicationStatusDto) -> Self {
        match s {
            ApplicationStatusDto::Pending => ApplicationStatus::Pending,
            ApplicationStatusDto::Approved => ApplicationStatus::Approved,
            ApplicationStatusDto::Rejected => ApplicationStatus::Rejected,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    pub status: Option<ApplicationStatusDto>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub applicant_id: String,
    pub org_id: String,
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
            created_at: utc(a.created_at),
            decided_at: a.decided_at.map(utc),
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

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    pub application: ApplicationDto,
    /// The card issued on approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDto>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LaborModelLevelDto {
    None,
    City,
    Provincial,
    National,
}

impl From<LaborModelLevelDto> for LaborModelLevel {
    fn from(l: LaborModelLevelDto) -> Self {
        match l {
            LaborModelLevelDto::None => LaborModelLevel::None,
            LaborModelLevelDto::City => LaborModelLevel::City,
            LaborModelLevelDto::Provincial => LaborModelLevel::Provincial,
            LaborModelLevelDto::National => LaborModelLevel::National,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberBody {
    pub labor_model_level: Option<LaborModelLevelDto>,
    pub hardship: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardDto {
    pub id: String,
    /// 16 digits, no spaces.
    #[schema(example = "3601000000000017")]
    pub card_no: String,
    /// `active`, `frozen`, `lost` or `cancelled`.
    pub status: String,
    pub issued_at: DateTime<Utc>,
    pub holder_name: String,
}

impl CardDto {
    pub fn new(card: CardRow, holder_name: String) -> Self {
        CardDto {
            id: card.id,
            card_no: card.card_no,
            status: card.status,
            issued_at: utc(card.issued_at),
            holder_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounterCodeDto {
    /// 22 digits a cashier can type: the card number, then the one-time part.
    #[schema(example = "3601000000000017123456")]
    pub code: String,
    /// The same for a QR code: `GGH1:` and the 22 digits.
    #[schema(example = "GGH1:3601000000000017123456")]
    pub qr_payload: String,
    pub expires_at: DateTime<Utc>,
}

impl From<CounterCode> for CounterCodeDto {
    fn from(c: CounterCode) -> Self {
        CounterCodeDto {
            code: c.code,
            qr_payload: c.qr_payload,
            expires_at: c.expires_at,
        }
    }
}

//! Wire types of org units.

use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::ids::OrgId;
use gangonghui_domain::org::OrgLevel;
use gangonghui_persistence::orgs::OrgRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::Issues;
use crate::http::{ApiError, FieldIssueKind, Rule};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgsQuery {
    /// List the children of this unit; without it, the top of the tree.
    #[param(value_type = Option<String>)]
    pub parent_id: Option<OrgId>,
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    #[schema(value_type = String)]
    pub id: OrgId,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<OrgId>,
    /// `province`, `city`, `county` or `grassroots`.
    pub level: OrgLevel,
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
    #[schema(value_type = String)]
    pub parent_id: OrgId,
    pub level: NewOrgLevelDto,
    /// 6-digit Jiangxi division code (counties; cities 01-11).
    #[schema(
        example = "360111",
        min_length = 6,
        max_length = 6,
        pattern = "^36(0000|(0[1-9]|1[01])[0-9]{2})$"
    )]
    pub division_code: Option<String>,
}

impl CreateOrgBody {
    pub fn into_domain(self) -> Result<super::service::NewOrgCmd, ApiError> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().any(char::is_control) {
            issues.push("name", FieldIssueKind::Invalid { reason: Rule::Name });
        }
        if let Some(code) = &self.division_code
            && DivisionCode::parse(code).is_err()
        {
            issues.push(
                "division_code",
                FieldIssueKind::Invalid {
                    reason: Rule::DivisionCode,
                },
            );
        }
        let level = match self.level {
            NewOrgLevelDto::County => OrgLevel::County,
            NewOrgLevelDto::Grassroots => OrgLevel::Grassroots,
        };
        issues.finish(|| {
            Some(super::service::NewOrgCmd {
                name,
                parent_id: self.parent_id,
                level,
                division_code: self.division_code,
            })
        })
    }
}

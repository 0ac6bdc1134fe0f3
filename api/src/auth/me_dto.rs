//! Wire types of the account's own profile, real name, password and sessions.

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::ids::{AccountId, MerchantId, OrgId, SessionId};
use gangonghui_domain::membership::{LaborModelLevel, MembershipStatus};
use gangonghui_domain::{ResidentId, Role};
use gangonghui_persistence::sessions::SessionRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::profile_cache::Profile;
use super::session_cache::Grant;
use crate::http::{ApiError, FieldIssueKind, Issues, Rule};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    #[schema(max_length = 128)]
    pub current_password: String,
    /// 8-128 characters with a letter (ASCII or a CJK ideograph) and a digit.
    #[schema(max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RealNameBody {
    /// As on the ID card; no control characters.
    #[schema(example = "王小明", max_length = 64)]
    pub legal_name: String,
    /// 18-character resident ID (GB 11643-1999, format `cn-resident-id`): a 6-digit address
    /// code, a real birth date `YYYYMMDD` not in the future, 3 digits, and the ISO 7064 MOD 11-2
    /// check character (`X` for 10).
    #[schema(
        example = "11010519491231002X",
        format = "cn-resident-id",
        max_length = 18,
        pattern = "^[0-9]{17}[0-9Xx]$"
    )]
    pub id_number: String,
}

impl RealNameBody {
    pub fn into_domain(self, today: chrono::NaiveDate) -> Result<(String, ResidentId), ApiError> {
        let mut issues = Issues::default();
        let name = self.legal_name.trim().to_owned();
        let name_ok =
            !name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control);
        if !name_ok {
            issues.push(
                "legal_name",
                FieldIssueKind::Invalid {
                    reason: Rule::LegalName,
                },
            );
        }
        let id = match ResidentId::parse(&self.id_number, today) {
            Ok(id) => Some(id),
            Err(e) => {
                let reason = match e {
                    gangonghui_domain::resident_id::ResidentIdError::Format => Rule::IdNumberFormat,
                    gangonghui_domain::resident_id::ResidentIdError::BirthDate => {
                        Rule::IdNumberBirthDate
                    }
                    gangonghui_domain::resident_id::ResidentIdError::CheckCharacter => {
                        Rule::IdNumberCheck
                    }
                };
                issues.push("id_number", FieldIssueKind::Invalid { reason });
                None
            }
        };
        issues.finish(|| Some((name, id?)))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub org_id: Option<OrgId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub merchant_id: Option<MerchantId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipDto {
    /// `none` until a membership application is approved, then `active`.
    pub status: MembershipStatus,
    #[schema(value_type = Option<String>)]
    pub org_id: Option<OrgId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    #[schema(value_type = String)]
    pub id: AccountId,
    /// Masked: `138****0000`.
    #[schema(example = "138****0000")]
    pub phone: String,
    pub display_name: String,
    pub roles: Vec<RoleDto>,
    pub real_name_verified: bool,
    /// Masked: `3601**********123X`; absent before real-name verification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    pub membership: MembershipDto,
    /// `none`, `city`, `provincial` or `national`.
    #[schema(example = "none")]
    pub labor_model_level: LaborModelLevel,
    pub hardship: bool,
}

impl ProfileDto {
    pub fn new(profile: Profile, grants: &[Grant]) -> Self {
        let mut roles = vec![RoleDto {
            role: Role::Member,
            org_id: None,
            merchant_id: None,
            owner: None,
        }];
        roles.extend(grants.iter().map(|g| RoleDto {
            role: g.role,
            org_id: g.org_id.clone(),
            merchant_id: g.merchant_id.clone(),
            owner: g.merchant_id.as_ref().map(|_| g.owner),
        }));
        ProfileDto {
            id: profile.id,
            phone: profile.phone_masked,
            display_name: profile.display_name,
            roles,
            real_name_verified: profile.real_name_verified,
            id_number: profile.id_number_masked,
            membership: MembershipDto {
                status: profile.membership_status,
                org_id: profile.membership_org_id,
            },
            labor_model_level: profile.labor_model_level,
            hardship: profile.hardship,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    #[schema(value_type = String)]
    pub id: SessionId,
    /// `app`, `mini_program` or `pos`.
    pub client: String,
    pub device: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// True for the session making this request.
    pub current: bool,
}

impl SessionDto {
    pub fn new(row: SessionRow, current_session: &SessionId) -> Self {
        let utc = |t: NaiveDateTime| t.and_utc();
        SessionDto {
            current: &row.id == current_session,
            id: row.id,
            client: row.client,
            device: row.device,
            ip: row.ip,
            created_at: utc(row.created_at),
            last_seen_at: utc(row.last_seen_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionListDto {
    pub items: Vec<SessionDto>,
    /// Always null: an account's live sessions fit in one page.
    pub next_cursor: Option<String>,
}

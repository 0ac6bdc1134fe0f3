//! Wire types of identity and sessions, and their conversion into checked domain values.

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::membership::{LaborModelLevel, MembershipStatus};
use gangonghui_domain::otp::OtpPurpose;
use gangonghui_domain::{Phone, ResidentId, Role};
use gangonghui_persistence::sessions::SessionRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::profile_cache::Profile;
use super::service::Tokens;
use super::session_cache::Grant;
use crate::http::{ApiError, FieldIssueKind, Issues};

pub fn phone(issues: &mut Issues, field: &str, raw: &str) -> Option<Phone> {
    issues.check(field, Phone::parse(raw), "phone")
}

pub fn new_password(issues: &mut Issues, field: &str, raw: &str) -> Option<NewPassword> {
    match NewPassword::parse(raw) {
        Ok(p) => Some(p),
        Err(e) => {
            let reason = match e {
                gangonghui_domain::account::PasswordError::TooShort => "too_short",
                gangonghui_domain::account::PasswordError::TooLong => "too_long",
                gangonghui_domain::account::PasswordError::TooSimple => "too_simple",
            };
            issues.push(field, FieldIssueKind::Invalid { reason });
            None
        }
    }
}

pub fn otp_code(issues: &mut Issues, field: &str, raw: &str) -> Option<String> {
    issues
        .check(
            field,
            gangonghui_domain::otp::is_well_formed_code(raw)
                .then_some(())
                .ok_or(()),
            "otp_format",
        )
        .map(|_| raw.to_owned())
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OtpPurposeDto {
    Register,
    Login,
    Reset,
    WechatBind,
}

impl From<OtpPurposeDto> for OtpPurpose {
    fn from(p: OtpPurposeDto) -> Self {
        match p {
            OtpPurposeDto::Register => OtpPurpose::Register,
            OtpPurposeDto::Login => OtpPurpose::Login,
            OtpPurposeDto::Reset => OtpPurpose::Reset,
            OtpPurposeDto::WechatBind => OtpPurpose::WechatBind,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendOtpBody {
    /// Mainland mobile number, 11 digits.
    #[schema(example = "13800000000", max_length = 20)]
    pub phone: String,
    pub purpose: OtpPurposeDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OtpSentDto {
    /// Seconds the code stays valid.
    #[schema(example = 300)]
    pub expires_in: u64,
    /// Seconds before another code may be requested.
    #[schema(example = 60)]
    pub resend_after: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[schema(example = "13800000000", max_length = 20)]
    pub phone: String,
    /// The 6-digit code sent for `register`.
    #[schema(example = "123456", max_length = 6)]
    pub otp: String,
    /// 8-128 characters with a letter and a digit.
    #[schema(max_length = 128)]
    pub password: String,
    #[schema(example = "王师傅", max_length = 32)]
    pub display_name: String,
    /// A label for this device, shown in the session list (else the User-Agent).
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

/// Log in with `password` or with an `otp` sent for `login` (exactly one of the two).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    #[schema(example = "13800000000", max_length = 20)]
    pub phone: String,
    #[schema(max_length = 128)]
    pub password: Option<String>,
    #[schema(max_length = 6)]
    pub otp: Option<String>,
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    #[schema(max_length = 4096)]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    #[schema(max_length = 128)]
    pub current_password: String,
    #[schema(max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordBody {
    #[schema(example = "13800000000", max_length = 20)]
    pub phone: String,
    /// The 6-digit code sent for `reset`.
    #[schema(max_length = 6)]
    pub otp: String,
    #[schema(max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RealNameBody {
    #[schema(example = "王小明", max_length = 64)]
    pub legal_name: String,
    /// 18-character resident ID (GB 11643-1999).
    #[schema(example = "11010519491231002X", max_length = 18)]
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
                    reason: "legal_name",
                },
            );
        }
        let id = match ResidentId::parse(&self.id_number, today) {
            Ok(id) => Some(id),
            Err(e) => {
                let reason = match e {
                    gangonghui_domain::resident_id::ResidentIdError::Format => "id_number_format",
                    gangonghui_domain::resident_id::ResidentIdError::BirthDate => {
                        "id_number_birth_date"
                    }
                    gangonghui_domain::resident_id::ResidentIdError::CheckCharacter => {
                        "id_number_check"
                    }
                };
                issues.push("id_number", FieldIssueKind::Invalid { reason });
                None
            }
        };
        issues.finish(|| Some((name, id?)))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WechatLoginBody {
    /// The code from `wx.login()`.
    #[schema(max_length = 128)]
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WechatBindBody {
    /// From the `auth.wechat_unbound` problem of `POST /auth/wechat`.
    #[schema(max_length = 2048)]
    pub bind_token: String,
    #[schema(example = "13800000000", max_length = 20)]
    pub phone: String,
    /// The 6-digit code sent for `wechat_bind`.
    #[schema(max_length = 6)]
    pub otp: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensDto {
    pub access_token: String,
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    pub session_id: String,
}

impl From<Tokens> for TokensDto {
    fn from(t: Tokens) -> Self {
        TokensDto {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            session_id: t.session_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipDto {
    /// `none` until a membership application is approved, then `active`.
    pub status: MembershipStatus,
    pub org_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    pub id: String,
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
pub struct RegisteredDto {
    pub member: ProfileDto,
    pub tokens: TokensDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    pub id: String,
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
    pub fn new(row: SessionRow, current_session: &str) -> Self {
        let utc = |t: NaiveDateTime| t.and_utc();
        SessionDto {
            current: row.id == current_session,
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

pub fn display_name(issues: &mut Issues, raw: &str) -> Option<DisplayName> {
    issues.check("display_name", DisplayName::parse(raw), "display_name")
}

//! Wire types of identity and sessions, and their conversion into checked domain values.

use gangonghui_domain::Phone;
use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::ids::SessionId;
use gangonghui_domain::otp::OtpPurpose;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::me_dto::*;
use super::service::{Credential, Registration, Tokens};
use crate::http::{ApiError, FieldIssueKind, Issues, Rule};

pub fn phone(issues: &mut Issues, field: &str, raw: &str) -> Option<Phone> {
    issues.check(field, Phone::parse(raw), Rule::Phone)
}

pub fn new_password(issues: &mut Issues, field: &str, raw: &str) -> Option<NewPassword> {
    use gangonghui_domain::account::PasswordError;
    match NewPassword::parse(raw) {
        Ok(p) => Some(p),
        Err(e) => {
            let kind = match e {
                PasswordError::TooShort => FieldIssueKind::TooShort { min: 8 },
                PasswordError::TooLong => FieldIssueKind::TooLong { max: 128 },
                PasswordError::TooSimple => FieldIssueKind::Invalid {
                    reason: Rule::TooSimple,
                },
            };
            issues.push(field, kind);
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
            Rule::OtpFormat,
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
    #[schema(example = "13800000000", max_length = 14)]
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
    #[schema(example = "13800000000", max_length = 14)]
    pub phone: String,
    /// The 6-digit code sent for `register`.
    #[schema(example = "123456", max_length = 6, pattern = "^[0-9]{6}$")]
    pub otp: String,
    /// 8-128 characters with a letter (ASCII or a CJK ideograph) and a digit.
    #[schema(max_length = 128)]
    pub password: String,
    /// 1-32 characters after trimming, no control characters.
    #[schema(example = "王师傅", max_length = 32)]
    pub display_name: String,
    /// A label for this device, shown in the session list (else the User-Agent).
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

/// Log in with a password or with a one-time code sent for `login`: exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LoginBody {
    Password(PasswordLogin),
    Otp(OtpLogin),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordLogin {
    #[schema(example = "13800000000", max_length = 14)]
    pub phone: String,
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
    /// A label for this device, shown in the session list (else the User-Agent).
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtpLogin {
    #[schema(example = "13800000000", max_length = 14)]
    pub phone: String,
    /// The 6-digit code sent for `login`.
    #[schema(max_length = 6, pattern = "^[0-9]{6}$")]
    pub otp: String,
    /// A label for this device, shown in the session list (else the User-Agent).
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
pub struct ResetPasswordBody {
    #[schema(example = "13800000000", max_length = 14)]
    pub phone: String,
    /// The 6-digit code sent for `reset`.
    #[schema(max_length = 6, pattern = "^[0-9]{6}$")]
    pub otp: String,
    /// 8-128 characters with a letter (ASCII or a CJK ideograph) and a digit.
    #[schema(max_length = 128)]
    pub new_password: String,
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
    #[schema(example = "13800000000", max_length = 14)]
    pub phone: String,
    /// The 6-digit code sent for `wechat_bind`.
    #[schema(max_length = 6, pattern = "^[0-9]{6}$")]
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
    #[schema(value_type = String)]
    pub session_id: SessionId,
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
pub struct RegisteredDto {
    pub member: ProfileDto,
    pub tokens: TokensDto,
}

pub fn display_name(issues: &mut Issues, raw: &str) -> Option<DisplayName> {
    issues.check("display_name", DisplayName::parse(raw), Rule::DisplayName)
}

impl RegisterBody {
    /// The registration and the device label; every bad field in one 422.
    pub fn into_registration(self) -> Result<(Registration, Option<String>), ApiError> {
        let mut issues = Issues::default();
        let (p, code, pw, name) = (
            phone(&mut issues, "phone", &self.phone),
            otp_code(&mut issues, "otp", &self.otp),
            new_password(&mut issues, "password", &self.password),
            display_name(&mut issues, &self.display_name),
        );
        let reg = issues.finish(|| {
            Some(Registration {
                phone: p?,
                otp: code?,
                password: pw?,
                display_name: name?,
            })
        })?;
        Ok((reg, self.device))
    }
}

impl LoginBody {
    /// The phone, exactly one credential (password or code) and the device label.
    pub fn into_credentials(self) -> Result<(Phone, Credential, Option<String>), ApiError> {
        let mut issues = Issues::default();
        let (raw_phone, credential, device) = match self {
            LoginBody::Password(b) => (b.phone, Some(Credential::Password(b.password)), b.device),
            LoginBody::Otp(b) => {
                let code = otp_code(&mut issues, "otp", &b.otp).map(Credential::Otp);
                (b.phone, code, b.device)
            }
        };
        let p = phone(&mut issues, "phone", &raw_phone);
        let (p, credential) = issues.finish(|| Some((p?, credential?)))?;
        Ok((p, credential, device))
    }
}

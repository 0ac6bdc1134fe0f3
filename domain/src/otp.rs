//! One-time SMS codes: what they are for and the limits that keep them from being guessed.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtpPurpose {
    Register,
    Login,
    Reset,
    /// Binding a WeChat identity to the account that owns the phone.
    WechatBind,
}

impl OtpPurpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            OtpPurpose::Register => "register",
            OtpPurpose::Login => "login",
            OtpPurpose::Reset => "reset",
            OtpPurpose::WechatBind => "wechat_bind",
        }
    }
}

/// How long a code can be used.
pub const OTP_TTL: Duration = Duration::from_secs(5 * 60);
/// The earliest a new code is sent to the same phone for the same purpose.
pub const OTP_RESEND_AFTER: Duration = Duration::from_secs(60);
/// Wrong guesses after which a code is dead: 5 tries at 10^-6 each.
pub const OTP_MAX_ATTEMPTS: i32 = 5;
/// Codes sent to one phone per Asia/Shanghai calendar day.
pub const OTP_MAX_SENDS_PER_DAY: i64 = 10;

/// A code as typed: exactly six ASCII digits.
pub fn is_well_formed_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_well_formed_code;

    #[test]
    fn codes_are_six_digits() {
        assert!(is_well_formed_code("012345"));
        for bad in ["12345", "1234567", "12345a", "１２３４５６", ""] {
            assert!(!is_well_formed_code(bad), "{bad}");
        }
    }
}

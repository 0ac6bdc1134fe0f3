//! Everything identity and sessions can refuse, each variant a fact with its status and code.

use actix_web::http::StatusCode;

use crate::http::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    MissingToken,
    #[error("token invalid or expired")]
    InvalidToken,
    #[error("session ended")]
    SessionEnded,
    #[error("the role may not do this")]
    Forbidden,
    #[error("phone or password or code wrong")]
    InvalidCredentials,
    #[error("one-time code wrong or expired")]
    OtpInvalid,
    #[error("one-time code locked after too many wrong tries")]
    OtpLocked,
    #[error("a code was sent moments ago")]
    OtpCooldown { retry_after: u64 },
    #[error("daily code limit reached")]
    OtpDailyLimit { retry_after: u64 },
    #[error("too many requests")]
    RateLimited { retry_after: u64 },
    #[error("phone already registered")]
    PhoneTaken,
    #[error("refresh token invalid or expired")]
    RefreshInvalid,
    #[error("refresh token reused; session ended")]
    RefreshReused,
    #[error("WeChat identity not bound")]
    WechatUnbound { bind_token: String },
    #[error("bind token invalid or expired")]
    WechatBindInvalid,
    #[error("WeChat identity bound to another account")]
    WechatAlreadyBound,
    #[error("wx.login code rejected by WeChat")]
    WechatCodeInvalid,
    #[error("WeChat rate limit")]
    WechatRateLimited,
    #[error("WeChat unavailable: {0}")]
    WechatUnavailable(String),
    #[error("WeChat login is not configured")]
    WechatNotConfigured,
    #[error("client signature invalid")]
    ClientSignatureInvalid,
    #[error("this route needs the signed mini-program client")]
    ClientRequired,
    #[error("SMS provider failed")]
    SmsUnavailable,
    #[error("ID number already verified on another account")]
    IdNumberTaken,
    #[error("real name already verified")]
    RealNameLocked,
}

impl AuthError {
    pub fn kind(&self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            AuthError::MissingToken => (S::UNAUTHORIZED, "auth.token_missing"),
            AuthError::InvalidToken => (S::UNAUTHORIZED, "auth.token_invalid"),
            AuthError::SessionEnded => (S::UNAUTHORIZED, "auth.session_ended"),
            AuthError::Forbidden => (S::FORBIDDEN, "auth.forbidden"),
            AuthError::InvalidCredentials => (S::UNAUTHORIZED, "auth.invalid_credentials"),
            AuthError::OtpInvalid => (S::UNAUTHORIZED, "auth.otp_invalid"),
            AuthError::OtpLocked => (S::UNAUTHORIZED, "auth.otp_locked"),
            AuthError::OtpCooldown { .. } => (S::TOO_MANY_REQUESTS, "auth.otp_cooldown"),
            AuthError::OtpDailyLimit { .. } => (S::TOO_MANY_REQUESTS, "auth.otp_daily_limit"),
            AuthError::RateLimited { .. } => (S::TOO_MANY_REQUESTS, "rate_limited"),
            AuthError::PhoneTaken => (S::CONFLICT, "auth.phone_taken"),
            AuthError::RefreshInvalid => (S::UNAUTHORIZED, "auth.refresh_invalid"),
            AuthError::RefreshReused => (S::UNAUTHORIZED, "auth.refresh_reused"),
            AuthError::WechatUnbound { .. } => (S::NOT_FOUND, "auth.wechat_unbound"),
            AuthError::WechatBindInvalid => (S::UNAUTHORIZED, "auth.wechat_bind_invalid"),
            AuthError::WechatAlreadyBound => (S::CONFLICT, "auth.wechat_already_bound"),
            AuthError::WechatCodeInvalid => (S::UNAUTHORIZED, "wechat.code_invalid"),
            AuthError::WechatRateLimited => (S::TOO_MANY_REQUESTS, "wechat.rate_limited"),
            AuthError::WechatUnavailable(_) => (S::BAD_GATEWAY, "wechat.unavailable"),
            AuthError::WechatNotConfigured => (S::SERVICE_UNAVAILABLE, "wechat.not_configured"),
            AuthError::ClientSignatureInvalid => (S::UNAUTHORIZED, "auth.client_signature_invalid"),
            AuthError::ClientRequired => (S::UNAUTHORIZED, "auth.client_required"),
            AuthError::SmsUnavailable => (S::BAD_GATEWAY, "sms.unavailable"),
            AuthError::IdNumberTaken => (S::CONFLICT, "member.id_number_taken"),
            AuthError::RealNameLocked => (S::CONFLICT, "member.real_name_locked"),
        }
    }

    /// Seconds a client should wait before retrying, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AuthError::OtpCooldown { retry_after }
            | AuthError::OtpDailyLimit { retry_after }
            | AuthError::RateLimited { retry_after } => Some(*retry_after),
            AuthError::WechatRateLimited => Some(60),
            _ => None,
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        match self {
            AuthError::MissingToken => lang.pick("需要登录", "Authentication required"),
            AuthError::InvalidToken => {
                lang.pick("登录凭证无效或已过期", "Token invalid or expired")
            }
            AuthError::SessionEnded => {
                lang.pick("登录已失效, 请重新登录", "Session ended; log in again")
            }
            AuthError::Forbidden => lang.pick("无权执行此操作", "Not allowed for your role"),
            AuthError::InvalidCredentials => {
                lang.pick("手机号、密码或验证码错误", "Wrong phone, password or code")
            }
            AuthError::OtpInvalid => lang.pick("验证码错误或已过期", "Code wrong or expired"),
            AuthError::OtpLocked => lang.pick(
                "验证码错误次数过多, 请重新获取",
                "Too many wrong tries; request a new code",
            ),
            AuthError::OtpCooldown { .. } => {
                lang.pick("验证码发送过于频繁", "A code was just sent")
            }
            AuthError::OtpDailyLimit { .. } => {
                lang.pick("今日验证码发送次数已达上限", "Daily code limit reached")
            }
            AuthError::RateLimited { .. } => {
                lang.pick("请求过于频繁, 请稍后再试", "Too many requests; retry later")
            }
            AuthError::PhoneTaken => lang.pick("该手机号已注册", "Phone already registered"),
            AuthError::RefreshInvalid => {
                lang.pick("刷新凭证无效或已过期", "Refresh token invalid or expired")
            }
            AuthError::RefreshReused => lang.pick(
                "刷新凭证被重复使用, 会话已结束",
                "Refresh token reused; session ended",
            ),
            AuthError::WechatUnbound { .. } => {
                lang.pick("微信账号尚未绑定手机号", "WeChat account not bound yet")
            }
            AuthError::WechatBindInvalid => {
                lang.pick("绑定凭证无效或已过期", "Bind token invalid or expired")
            }
            AuthError::WechatAlreadyBound => lang.pick(
                "该微信账号已绑定其他账户",
                "WeChat account bound to another account",
            ),
            AuthError::WechatCodeInvalid => {
                lang.pick("微信登录凭证无效", "WeChat login code invalid")
            }
            AuthError::WechatRateLimited => {
                lang.pick("微信接口调用过于频繁", "WeChat rate limit reached")
            }
            AuthError::WechatUnavailable(_) => {
                lang.pick("微信服务暂不可用", "WeChat service unavailable")
            }
            AuthError::WechatNotConfigured => {
                lang.pick("未配置微信登录", "WeChat login not configured")
            }
            AuthError::ClientSignatureInvalid => {
                lang.pick("客户端签名无效", "Client signature invalid")
            }
            AuthError::ClientRequired => lang.pick(
                "需要经签名的小程序客户端",
                "Signed mini-program client required",
            ),
            AuthError::SmsUnavailable => lang.pick(
                "短信发送失败, 请稍后再试",
                "SMS could not be sent; retry later",
            ),
            AuthError::IdNumberTaken => lang.pick(
                "该身份证号已在其他账户实名",
                "ID number verified on another account",
            ),
            AuthError::RealNameLocked => {
                lang.pick("已完成实名认证, 不能修改", "Real name already verified")
            }
        }
    }
}

//! How identity and sessions refuse: each AuthError's status, stable code and titles.

use actix_web::http::StatusCode;

use super::AuthError;
use crate::http::error::{Answer, Refusal};

impl Refusal for AuthError {
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            AuthError::MissingToken => Answer::new(
                S::UNAUTHORIZED,
                "auth.token_missing",
                "需要登录",
                "Authentication required",
            ),
            AuthError::InvalidToken => Answer::new(
                S::UNAUTHORIZED,
                "auth.token_invalid",
                "登录凭证无效或已过期",
                "Token invalid or expired",
            ),
            AuthError::SessionEnded => Answer::new(
                S::UNAUTHORIZED,
                "auth.session_ended",
                "登录已失效, 请重新登录",
                "Session ended; log in again",
            ),
            AuthError::Forbidden => Answer::new(
                S::FORBIDDEN,
                "auth.forbidden",
                "无权执行此操作",
                "Not allowed for your role",
            ),
            AuthError::InvalidCredentials => Answer::new(
                S::UNAUTHORIZED,
                "auth.invalid_credentials",
                "手机号、密码或验证码错误",
                "Wrong phone, password or code",
            ),
            AuthError::CurrentPasswordIncorrect => Answer::new(
                S::FORBIDDEN,
                "auth.current_password_incorrect",
                "当前密码错误",
                "Current password is wrong",
            ),
            AuthError::OtpInvalid => Answer::new(
                S::UNAUTHORIZED,
                "auth.otp_invalid",
                "验证码错误或已过期",
                "Code wrong or expired",
            ),
            AuthError::OtpLocked => Answer::new(
                S::UNAUTHORIZED,
                "auth.otp_locked",
                "验证码错误次数过多, 请重新获取",
                "Too many wrong tries; request a new code",
            ),
            AuthError::OtpCooldown { retry_after } => Answer::new(
                S::TOO_MANY_REQUESTS,
                "auth.otp_cooldown",
                "验证码发送过于频繁",
                "A code was just sent",
            )
            .retry_after(*retry_after),
            AuthError::OtpDailyLimit { retry_after } => Answer::new(
                S::TOO_MANY_REQUESTS,
                "auth.otp_daily_limit",
                "今日验证码发送次数已达上限",
                "Daily code limit reached",
            )
            .retry_after(*retry_after),
            AuthError::RateLimited(policy) => Answer::new(
                S::TOO_MANY_REQUESTS,
                "rate_limited",
                "请求过于频繁, 请稍后再试",
                "Too many requests; retry later",
            )
            .limited_by(*policy),
            AuthError::HashingBusy => Answer::new(
                S::SERVICE_UNAVAILABLE,
                "auth.busy",
                "登录人数过多, 请稍后再试",
                "Too many sign-ins at once; retry shortly",
            )
            .retry_after(1),
            AuthError::PhoneTaken => Answer::new(
                S::CONFLICT,
                "auth.phone_taken",
                "该手机号已注册",
                "Phone already registered",
            ),
            AuthError::RefreshInvalid => Answer::new(
                S::UNAUTHORIZED,
                "auth.refresh_invalid",
                "刷新凭证无效或已过期",
                "Refresh token invalid or expired",
            ),
            AuthError::RefreshReused => Answer::new(
                S::UNAUTHORIZED,
                "auth.refresh_reused",
                "刷新凭证被重复使用, 会话已结束",
                "Refresh token reused; session ended",
            ),
            AuthError::WechatUnbound { .. } => Answer::new(
                S::NOT_FOUND,
                "auth.wechat_unbound",
                "微信账号尚未绑定手机号",
                "WeChat account not bound yet",
            ),
            AuthError::WechatBindInvalid => Answer::new(
                S::UNAUTHORIZED,
                "auth.wechat_bind_invalid",
                "绑定凭证无效或已过期",
                "Bind token invalid or expired",
            ),
            AuthError::WechatAlreadyBound => Answer::new(
                S::CONFLICT,
                "auth.wechat_already_bound",
                "该微信账号已绑定其他账户",
                "WeChat account bound to another account",
            ),
            AuthError::WechatCodeInvalid => Answer::new(
                S::UNAUTHORIZED,
                "wechat.code_invalid",
                "微信登录凭证无效",
                "WeChat login code invalid",
            ),
            AuthError::WechatRateLimited => Answer::new(
                S::TOO_MANY_REQUESTS,
                "wechat.rate_limited",
                "微信接口调用过于频繁",
                "WeChat rate limit reached",
            )
            .retry_after(60),
            AuthError::WechatUnavailable(_) => Answer::new(
                S::BAD_GATEWAY,
                "wechat.unavailable",
                "微信服务暂不可用",
                "WeChat service unavailable",
            ),
            AuthError::WechatNotConfigured => Answer::new(
                S::SERVICE_UNAVAILABLE,
                "wechat.not_configured",
                "未配置微信登录",
                "WeChat login not configured",
            ),
            AuthError::ClientSignatureInvalid => Answer::new(
                S::UNAUTHORIZED,
                "auth.client_signature_invalid",
                "客户端签名无效",
                "Client signature invalid",
            ),
            AuthError::ClientRequired => Answer::new(
                S::UNAUTHORIZED,
                "auth.client_required",
                "需要经签名的小程序客户端",
                "Signed mini-program client required",
            ),
            AuthError::SmsUnavailable => Answer::new(
                S::BAD_GATEWAY,
                "sms.unavailable",
                "短信发送失败, 请稍后再试",
                "SMS could not be sent; retry later",
            ),
            AuthError::IdentityReview => Answer::new(
                S::CONFLICT,
                "member.identity_review",
                "该身份信息需要工会工作人员人工核验, 请携带身份证到所在工会办理",
                "These identity details need a check by union staff; bring your ID card to your union",
            ),
            AuthError::RealNameLocked => Answer::new(
                S::CONFLICT,
                "member.real_name_locked",
                "已完成实名认证, 不能修改",
                "Real name already verified",
            ),
        }
    }
}

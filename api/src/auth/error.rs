//! Everything identity and sessions can refuse: each variant a fact, without HTTP (`problems.rs`
//! maps each to its status and code).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumIter)]
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
    // Signed in, but the password typed to confirm a change is wrong: not a dead session (401).
    #[error("current password wrong")]
    CurrentPasswordIncorrect,
    #[error("one-time code wrong or expired")]
    OtpInvalid,
    #[error("one-time code locked after too many wrong tries")]
    OtpLocked,
    #[error("a code was sent moments ago")]
    OtpCooldown { retry_after: u64 },
    #[error("daily code limit reached")]
    OtpDailyLimit { retry_after: u64 },
    #[error("too many requests")]
    RateLimited(crate::http::error::RatePolicy),
    /// Every password-hashing slot stayed busy for the whole wait (a login flood).
    #[error("password checks are saturated; retry shortly")]
    HashingBusy,
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
    /// The ID number is verified on another account: a person decides (the owner's dispute, or
    /// a squatter found), and the answer does not say more than that.
    #[error("identity needs a review by union staff")]
    IdentityReview,
    #[error("real name already verified")]
    RealNameLocked,
}

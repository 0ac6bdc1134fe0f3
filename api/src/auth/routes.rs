//! `/api/v1/auth/*`: codes, registration, login, refresh, logout and WeChat login.

use actix_web::web::{Data, Json};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post};
use gangonghui_domain::ClientKind;

use crate::audit::RequestContext;
use crate::auth::account;
use crate::auth::client::{ClientIp, VerifiedClient};
use crate::auth::dto::*;
use crate::auth::profile_cache::Profile;
use crate::auth::service::{self, Device};
use crate::auth::sessions::{self, Ending};
use crate::auth::wechat_signin;
use crate::auth::{AuthError, Authenticated, otp};
use crate::doc::Refusals;
use crate::http::ValidJson;
use crate::http::error::Answer;
use crate::http::{ApiError, Issues};
use crate::state::AppState;

/// Registers the sign-in routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(send_otp)
        .service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(logout_all)
        .service(reset_password)
        .service(wechat_login)
        .service(wechat_bind);
}

/// The caller's client kind, label and address.
pub fn device(req: &HttpRequest, label: Option<String>) -> Device {
    let client = if req.extensions().get::<VerifiedClient>().is_some() {
        ClientKind::MiniProgram
    } else {
        ClientKind::App
    };
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let label = label.or(user_agent).map(|l| l.chars().take(128).collect());
    Device {
        client,
        label,
        ip: req.extensions().get::<ClientIp>().map(|ip| ip.0),
    }
}

fn require_signed_client(req: &HttpRequest) -> Result<(), ApiError> {
    req.extensions()
        .get::<VerifiedClient>()
        .map(drop)
        .ok_or_else(|| AuthError::ClientRequired.into())
}

/// Send a one-time code by SMS.
///
/// Answers the same whether or not the phone has an account. One code per phone and purpose per
/// 60 s, 10 per phone per day, and a per-IP limit (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = SendOtpBody,
    responses((status = 202, body = OtpSentDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json"),
        (status = 502, description = "`sms.unavailable`", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/otp")]
pub async fn send_otp(
    state: Data<AppState>,
    req: HttpRequest,
    body: ValidJson<SendOtpBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    let mut issues = Issues::default();
    let phone = phone(&mut issues, "phone", &body.phone);
    let phone = issues.finish(|| phone)?;
    let ip = req.extensions().get::<ClientIp>().map(|ip| ip.0);
    let sent = otp::send(&state, phone, body.purpose.into(), ip).await?;
    Ok(HttpResponse::Accepted().json(OtpSentDto {
        expires_in: sent.expires_in,
        resend_after: sent.resend_after,
    }))
}

/// Create an account with a code sent for `register`.
#[utoipa::path(tag = "auth", request_body = RegisterBody,
    responses((status = 201, body = RegisteredDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/register")]
pub async fn register(
    state: Data<AppState>,
    req: HttpRequest,
    ctx: RequestContext,
    body: ValidJson<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    let (reg, label) = body.read().await?.into_registration()?;
    let (account, tokens) = service::register(&state, reg, device(&req, label), ctx).await?;
    Ok(HttpResponse::Created().json(RegisteredDto {
        member: ProfileDto::new(Profile::new(&account, None), &[]),
        tokens: tokens.into(),
    }))
}

/// Log in with phone and password, or phone and a code sent for `login`.
#[utoipa::path(tag = "auth", request_body = LoginBody,
    responses((status = 200, body = TokensDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/login")]
pub async fn login(
    state: Data<AppState>,
    req: HttpRequest,
    ctx: RequestContext,
    body: ValidJson<LoginBody>,
) -> Result<Json<TokensDto>, ApiError> {
    let (p, credential, label) = body.read().await?.into_credentials()?;
    let tokens = service::login(&state, p, credential, device(&req, label), ctx).await?;
    Ok(Json(tokens.into()))
}

/// Exchange a refresh token for a new pair; the old one is spent.
///
/// Presenting a spent refresh token ends the whole session (`auth.refresh_reused`). Of two
/// simultaneous refreshes with one token, one succeeds and the other is treated as reuse.
#[utoipa::path(tag = "auth", request_body = RefreshBody,
    responses((status = 200, body = TokensDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: Data<AppState>,
    ctx: RequestContext,
    body: ValidJson<RefreshBody>,
) -> Result<Json<TokensDto>, ApiError> {
    Ok(Json(
        sessions::refresh(&state, body.read().await?.refresh_token, ctx)
            .await?
            .into(),
    ))
}

/// End this session; its access token stops working at once.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/logout")]
pub async fn logout(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
) -> Result<HttpResponse, ApiError> {
    sessions::end_sessions(&state, &auth, Ending::Current, ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// End every session of the account, on every device.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/logout-all")]
pub async fn logout_all(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
) -> Result<HttpResponse, ApiError> {
    sessions::end_sessions(&state, &auth, Ending::All, ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a new password with a code sent for `reset`; every session ends.
#[utoipa::path(tag = "auth", request_body = ResetPasswordBody,
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/password-reset")]
pub async fn reset_password(
    state: Data<AppState>,
    req: HttpRequest,
    ctx: RequestContext,
    body: ValidJson<ResetPasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    let mut issues = Issues::default();
    let (p, code, pw) = (
        phone(&mut issues, "phone", &body.phone),
        otp_code(&mut issues, "otp", &body.otp),
        new_password(&mut issues, "new_password", &body.new_password),
    );
    let (p, code, pw) = issues.finish(|| Some((p?, code?, pw?)))?;
    let ip = req.extensions().get::<ClientIp>().map(|ip| ip.0);
    account::reset_password(&state, p, code, pw, ip, ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Log in from the WeChat mini-program with a `wx.login` code (signed client only).
///
/// 200 with tokens when the WeChat identity is bound; else 404 `auth.wechat_unbound` whose
/// problem carries a short-lived `bind_token` for `POST /auth/wechat/bind`.
#[utoipa::path(tag = "auth", request_body = WechatLoginBody,
    responses((status = 200, body = TokensDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json"),
        (status = 502, description = "`wechat.unavailable`", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/wechat")]
pub async fn wechat_login(
    state: Data<AppState>,
    req: HttpRequest,
    ctx: RequestContext,
    body: ValidJson<WechatLoginBody>,
) -> Result<Json<TokensDto>, ApiError> {
    require_signed_client(&req)?;
    Ok(Json(
        wechat_signin::wechat_login(&state, body.read().await?.code, device(&req, None), ctx)
            .await?
            .into(),
    ))
}

/// Bind the WeChat identity of a `bind_token` to the account of a phone proven by a code.
#[utoipa::path(tag = "auth", request_body = WechatBindBody,
    responses((status = 200, body = TokensDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/auth/wechat/bind")]
pub async fn wechat_bind(
    state: Data<AppState>,
    req: HttpRequest,
    ctx: RequestContext,
    body: ValidJson<WechatBindBody>,
) -> Result<Json<TokensDto>, ApiError> {
    require_signed_client(&req)?;
    let body = body.read().await?;
    let mut issues = Issues::default();
    let (p, code) = (
        phone(&mut issues, "phone", &body.phone),
        otp_code(&mut issues, "otp", &body.otp),
    );
    let (p, code) = issues.finish(|| Some((p?, code?)))?;
    Ok(Json(
        wechat_signin::wechat_bind(&state, body.bind_token, p, code, device(&req, None), ctx)
            .await?
            .into(),
    ))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use AuthError as A;
    let otp = || -> Vec<Answer> {
        vec![
            A::OtpInvalid.into(),
            A::OtpLocked.into(),
            A::RateLimited(crate::auth::rate_limit::LISTED).into(),
        ]
    };
    // Operations that hash or check a password also wait for a hashing slot.
    let hashing = |more: Vec<Answer>| [otp(), vec![A::HashingBusy.into()], more].concat();
    vec![
        (
            "send_otp",
            vec![
                A::OtpCooldown { retry_after: 0 }.into(),
                A::OtpDailyLimit { retry_after: 0 }.into(),
                A::RateLimited(crate::auth::rate_limit::LISTED).into(),
                A::SmsUnavailable.into(),
            ],
        ),
        ("register", hashing(vec![A::PhoneTaken.into()])),
        ("login", hashing(vec![A::InvalidCredentials.into()])),
        (
            "refresh",
            vec![A::RefreshInvalid.into(), A::RefreshReused.into()],
        ),
        ("logout", vec![]),
        ("logout_all", vec![]),
        ("reset_password", hashing(vec![])),
        (
            "wechat_login",
            vec![
                A::WechatUnbound {
                    bind_token: String::new(),
                }
                .into(),
                A::WechatCodeInvalid.into(),
                A::WechatRateLimited.into(),
                A::WechatUnavailable(String::new()).into(),
                A::WechatNotConfigured.into(),
                A::ClientRequired.into(),
            ],
        ),
        (
            "wechat_bind",
            [
                otp(),
                vec![
                    A::WechatBindInvalid.into(),
                    A::WechatAlreadyBound.into(),
                    A::InvalidCredentials.into(),
                    A::ClientRequired.into(),
                ],
            ]
            .concat(),
        ),
    ]
}

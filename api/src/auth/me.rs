//! `/api/v1/me*`: the caller's own profile, real name, password and sessions.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, put};
use gangonghui_domain::ids::SessionId;
use gangonghui_domain::time::shanghai_date;

use crate::audit::RequestContext;
use crate::auth::AuthError;
use crate::auth::Authenticated;
use crate::auth::dto::*;
use crate::auth::{account, sessions};
use crate::doc::Refusals;
use crate::http::pagination::{PageQuery, page};
use crate::http::{ApiError, Issues};
use crate::http::{ValidJson, ValidQuery};
use crate::state::AppState;

/// Registers the account's own routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(get_me)
        .service(verify_real_name)
        .service(change_password)
        .service(list_sessions)
        .service(delete_session);
}

/// The caller's profile, with roles resolved from the current session.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses((status = 200, body = ProfileDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me")]
pub async fn get_me(
    state: Data<AppState>,
    auth: Authenticated,
) -> Result<Json<ProfileDto>, ApiError> {
    let profile = account::profile(&state, &auth).await?;
    Ok(Json(ProfileDto::new(profile, &auth.grants)))
}

/// Verify the legal name and resident ID (GB 11643-1999 check character and birth date).
///
/// The ID number is stored encrypted and shown masked. Once verified it cannot be changed here;
/// an ID number verified on another account is refused with `member.id_number_taken`.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = RealNameBody,
    responses((status = 200, body = ProfileDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[put("/me/real-name")]
pub async fn verify_real_name(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    body: ValidJson<RealNameBody>,
) -> Result<Json<ProfileDto>, ApiError> {
    let now = state.clock.now();
    let (name, id) = body.read().await?.into_domain(shanghai_date(now))?;
    let profile = account::verify_real_name(&state, &auth, name, id, ctx).await?;
    Ok(Json(ProfileDto::new(profile, &auth.grants)))
}

/// Change the password; every other session of the account ends.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = ChangePasswordBody,
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[put("/me/password")]
pub async fn change_password(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    body: ValidJson<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    let mut issues = Issues::default();
    let new = new_password(&mut issues, "new_password", &body.new_password);
    let new = issues.finish(|| new)?;
    account::change_password(&state, &auth, body.current_password, new, ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account's live sessions, newest first.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = SessionListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/sessions")]
pub async fn list_sessions(
    state: Data<AppState>,
    auth: Authenticated,
    query: ValidQuery<PageQuery>,
) -> Result<Json<SessionListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let limit = keyset.limit;
    let rows = sessions::list_sessions(&state, &auth, keyset).await?;
    let dto = |r| SessionDto::new(r, &auth.session_id);
    Ok(Json(page(
        rows,
        limit,
        |r| r.id.clone(),
        dto,
        |items, next_cursor| SessionListDto { items, next_cursor },
    )))
}

/// End one of the account's sessions (404 when it is not one of them).
#[utoipa::path(tag = "me", security(("bearer" = [])), params(("id" = String, Path, description = "Session id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/me/sessions/{id}")]
pub async fn delete_session(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<SessionId>,
) -> Result<HttpResponse, ApiError> {
    sessions::end_session(&state, &auth, id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use AuthError as A;
    vec![
        ("get_me", vec![]),
        (
            "verify_real_name",
            vec![
                A::IdentityReview.into(),
                A::RealNameLocked.into(),
                A::RateLimited(crate::auth::rate_limit::LISTED).into(),
            ],
        ),
        (
            "change_password",
            vec![
                A::CurrentPasswordIncorrect.into(),
                A::RateLimited(crate::auth::rate_limit::LISTED).into(),
                A::HashingBusy.into(),
            ],
        ),
        ("list_sessions", vec![]),
        ("delete_session", vec![ApiError::NotFound.into()]),
    ]
}

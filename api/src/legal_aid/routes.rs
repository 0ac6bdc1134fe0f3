//! Legal-aid requests: intake, lists, one case with its history, moves, and the consent text.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use gangonghui_domain::ids::CaseId;
use gangonghui_domain::legal_aid::{CONSENT_TEXT_EN, CONSENT_TEXT_ZH, CONSENT_VERSION};
use gangonghui_persistence::legal_aid::CaseFilter;

use super::dto::{CasesQuery, CreateCaseBody, TransitionBody};
use super::view::{CaseDto, CaseListDto, ConsentDto, UnreadDto};
use super::{service, workflow};
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::http::i18n::Lang;
use crate::http::pagination::Keyset;
use crate::http::{ApiError, ValidJson, ValidQuery};
use crate::state::AppState;

/// Ask the union for legal help. The separate consent (`consent: true`) is stored with its
/// version and time; one open request per employer and category.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), request_body = CreateCaseBody,
    responses((status = 201, body = CaseDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/legal-aid/requests")]
pub async fn create_legal_aid_request(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    body: ValidJson<CreateCaseBody>,
) -> Result<HttpResponse, ApiError> {
    let request = body.read().await?.check()?;
    let case = service::submit(&state, &auth, request, ctx).await?;
    Ok(HttpResponse::Created().json(case))
}

/// The caller's own requests, and for officers and union admins every case in their scope;
/// oldest first (the review queue's order).
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(CasesQuery),
    responses((status = 200, body = CaseListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/legal-aid/requests")]
pub async fn list_legal_aid_requests(
    state: Data<AppState>,
    auth: Authenticated,
    query: ValidQuery<CasesQuery>,
) -> Result<Json<CaseListDto>, ApiError> {
    let query = query.read()?;
    let keyset = Keyset::parse(query.limit, query.cursor.as_deref())?;
    let filter = CaseFilter {
        status: query.status,
        category: query.category,
        overdue_at: None,
        after: keyset.after_id(),
    };
    let overdue = query.overdue.unwrap_or(false);
    Ok(Json(
        service::list(&state, &auth, filter, overdue, keyset.limit).await?,
    ))
}

/// One case with its history and evidence, for its applicant and the handlers in scope.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/legal-aid/requests/{id}")]
pub async fn get_legal_aid_request(
    state: Data<AppState>,
    auth: Authenticated,
    id: Path<CaseId>,
) -> Result<Json<CaseDto>, ApiError> {
    Ok(Json(service::get(&state, &auth, id.into_inner()).await?))
}

/// Move the case. Handlers review, assign, mediate and close; the applicant may only withdraw
/// (from `submitted`, `accepted` or `assigned`). Two moves racing: one wins, the other is 409.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(("id" = String, Path, description = "Case id")), request_body = TransitionBody,
    responses((status = 200, body = CaseDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/legal-aid/requests/{id}/transitions")]
pub async fn transition_legal_aid_request(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<CaseId>,
    body: ValidJson<TransitionBody>,
) -> Result<Json<CaseDto>, ApiError> {
    let body = body.read().await?.check()?;
    Ok(Json(
        workflow::move_case(&state, &auth, id.into_inner(), body, ctx).await?,
    ))
}

/// The consent text an applicant agrees to, and its version (in the caller's language).
#[utoipa::path(tag = "legal-aid", responses((status = 200, body = ConsentDto)))]
#[get("/legal-aid/consent")]
pub async fn get_legal_aid_consent(req: HttpRequest) -> Json<ConsentDto> {
    let lang = Lang::from_headers(req.headers());
    Json(ConsentDto {
        version: CONSENT_VERSION,
        text: lang.pick(CONSENT_TEXT_ZH, CONSENT_TEXT_EN),
    })
}

/// Unread messages across the caller's own requests: the app's badge.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])),
    responses((status = 200, body = UnreadDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/legal-aid/unread")]
pub async fn get_legal_aid_unread(
    state: Data<AppState>,
    auth: Authenticated,
) -> Result<Json<UnreadDto>, ApiError> {
    let unread_messages = service::unread(&state, &auth).await?;
    Ok(Json(UnreadDto { unread_messages }))
}

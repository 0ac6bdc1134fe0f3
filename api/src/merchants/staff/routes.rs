//! A merchant's staff and POS API keys (invitations in `invitation_routes`).

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, post};
use gangonghui_domain::ids::{AccountId, ApiKeyId};

use super::dto::*;
use super::service;
use crate::audit::RequestContext;
use crate::doc::Refusals;
use crate::http::pagination::{PageQuery, page};
use crate::http::{ApiError, FieldIssueKind};
use crate::http::{ValidJson, ValidQuery};
use crate::merchants::{MerchantOwner, MerchantStaff};
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(list_staff)
        .service(remove_staff)
        .service(create_api_key)
        .service(revoke_api_key);
}

/// The merchant's staff.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(PageQuery),
    responses((status = 200, body = StaffListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/staff")]
pub async fn list_staff(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: ValidQuery<PageQuery>,
) -> Result<Json<StaffListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let limit = keyset.limit;
    let rows = service::list(&state, &staff_member, keyset).await?;
    let dto = |s: service::StaffMember| StaffDto {
        account_id: s.account_id,
        display_name: s.display_name,
        phone: s.phone_masked,
        owner: s.owner,
    };
    Ok(Json(page(
        rows,
        limit,
        |s| s.account_id.clone(),
        dto,
        |items, next_cursor| StaffListDto { items, next_cursor },
    )))
}

/// Remove a staff member (owner only; the owner cannot be removed).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("account_id" = String, Path, description = "Staff account id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/merchant/staff/{account_id}")]
pub async fn remove_staff(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    account_id: Path<AccountId>,
) -> Result<HttpResponse, ApiError> {
    service::remove(&state, &owner, account_id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create a POS API key (owner only). The key is shown once.
#[utoipa::path(tag = "merchant", security(("bearer" = [])), request_body = CreateApiKeyBody,
    responses((status = 201, body = ApiKeyCreatedDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/api-keys")]
pub async fn create_api_key(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    body: ValidJson<CreateApiKeyBody>,
) -> Result<HttpResponse, ApiError> {
    let label = body.read().await?.label.trim().to_owned();
    if label.is_empty() {
        return Err(ApiError::field("label", FieldIssueKind::Required));
    }
    let (id, key) = service::create_key(&state, &owner, label.clone(), ctx).await?;
    Ok(HttpResponse::Created().json(ApiKeyCreatedDto { id, key, label }))
}

/// Revoke a POS API key (owner only); it stops working at once.
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("id" = String, Path, description = "API key id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/merchant/api-keys/{id}")]
pub async fn revoke_api_key(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    id: Path<ApiKeyId>,
) -> Result<HttpResponse, ApiError> {
    service::revoke_key(&state, &owner, id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    let owner = MerchantOwner::refusals;
    vec![
        ("list_staff", vec![]),
        (
            "remove_staff",
            [owner(), vec![ApiError::NotFound.into()]].concat(),
        ),
        ("create_api_key", owner()),
        (
            "revoke_api_key",
            [owner(), vec![ApiError::NotFound.into()]].concat(),
        ),
    ]
}

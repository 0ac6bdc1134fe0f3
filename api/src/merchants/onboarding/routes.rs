//! Merchant applications and their decision, suspension and resumption.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, post};
use gangonghui_domain::ids::{MerchantApplicationId, MerchantId};
use gangonghui_domain::membership::Decision;

use super::dto::*;
use super::service;
use crate::audit::RequestContext;
use crate::auth::AuthError;
use crate::auth::{Authenticated, UnionAdmin};
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::ValidJson;
use crate::http::ValidQuery;
use crate::http::error::Answer;
use crate::http::pagination::{Keyset, page};
use crate::membership::dto::{ApplicationsQuery, RejectBody};
use crate::merchants::MerchantError;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_merchant_application)
        .service(list_merchant_applications)
        .service(approve_merchant_application)
        .service(reject_merchant_application)
        .service(suspend_merchant)
        .service(resume_merchant);
}

/// Apply to become a partner merchant (any logged-in account; it becomes the owner).
#[utoipa::path(tag = "merchants", security(("bearer" = [])), request_body = MerchantApplicationBody,
    responses((status = 201, body = MerchantApplicationDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant-applications")]
pub async fn create_merchant_application(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    body: ValidJson<MerchantApplicationBody>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.read().await?.into_domain()?;
    let app = service::apply(&state, &auth, cmd, ctx).await?;
    Ok(HttpResponse::Created().json(MerchantApplicationDto::from(app)))
}

/// Merchant applications in the admin's subtree.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(ApplicationsQuery),
    responses((status = 200, body = MerchantApplicationListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/admin/merchant-applications")]
pub async fn list_merchant_applications(
    state: Data<AppState>,
    admin: UnionAdmin,
    query: ValidQuery<ApplicationsQuery>,
) -> Result<Json<MerchantApplicationListDto>, ApiError> {
    let query = query.read()?;
    let Keyset { after, limit } = Keyset::parse(query.limit, query.cursor.as_deref())?;
    // Merchant applications go through the same states as membership applications.
    let status = query.status;
    let after = after.map(MerchantApplicationId::from);
    let rows = service::list(&state, &admin, status, after, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |a| a.id.clone(),
        MerchantApplicationDto::from,
        |items, next_cursor| MerchantApplicationListDto { items, next_cursor },
    )))
}

/// Approve: the merchant becomes active and the applicant its owner.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = MerchantDecisionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/merchant-applications/{id}/approve")]
pub async fn approve_merchant_application(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MerchantApplicationId>,
) -> Result<Json<MerchantDecisionDto>, ApiError> {
    let (application, merchant) = service::decide(
        &state,
        &admin,
        id.into_inner(),
        Decision::Approve,
        None,
        ctx,
    )
    .await?;
    Ok(Json(MerchantDecisionDto {
        application: application.into(),
        merchant: merchant.map(|m| MerchantDto::new(m, None)),
    }))
}

/// Reject with a reason.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(("id" = String, Path, description = "Application id")), request_body = RejectBody,
    responses((status = 200, body = MerchantDecisionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/merchant-applications/{id}/reject")]
pub async fn reject_merchant_application(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MerchantApplicationId>,
    body: ValidJson<RejectBody>,
) -> Result<Json<MerchantDecisionDto>, ApiError> {
    let reason = body.read().await?.into_reason()?;
    let (application, _) = service::decide(
        &state,
        &admin,
        id.into_inner(),
        Decision::Reject,
        Some(reason),
        ctx,
    )
    .await?;
    Ok(Json(MerchantDecisionDto {
        application: application.into(),
        merchant: None,
    }))
}

/// Suspend a merchant: its staff and keys can do nothing until it is resumed.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(("id" = String, Path, description = "Merchant id")),
    responses((status = 200, body = MerchantDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/merchants/{id}/suspend")]
pub async fn suspend_merchant(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MerchantId>,
) -> Result<Json<MerchantDto>, ApiError> {
    Ok(Json(MerchantDto::new(
        service::set_status(&state, &admin, id.into_inner(), true, ctx).await?,
        None,
    )))
}

/// Resume a suspended merchant.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(("id" = String, Path, description = "Merchant id")),
    responses((status = 200, body = MerchantDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/merchants/{id}/resume")]
pub async fn resume_merchant(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MerchantId>,
) -> Result<Json<MerchantDto>, ApiError> {
    Ok(Json(MerchantDto::new(
        service::set_status(&state, &admin, id.into_inner(), false, ctx).await?,
        None,
    )))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MerchantError as E;
    let forbidden = || -> Answer { AuthError::Forbidden.into() };
    let decide = || -> Vec<Answer> {
        vec![
            forbidden(),
            ApiError::NotFound.into(),
            E::AlreadyDecided.into(),
            E::StaffElsewhere.into(),
            // Approval creates the merchant: another may have taken the credit code meanwhile.
            E::CreditCodeTaken.into(),
        ]
    };
    let status =
        || -> Vec<Answer> { vec![forbidden(), E::NotFound.into(), E::InvalidTransition.into()] };
    vec![
        (
            "create_merchant_application",
            vec![
                E::CreditCodeTaken.into(),
                E::ApplicationOpen.into(),
                E::StaffElsewhere.into(),
            ],
        ),
        ("list_merchant_applications", vec![forbidden()]),
        ("approve_merchant_application", decide()),
        ("reject_merchant_application", decide()),
        ("suspend_merchant", status()),
        ("resume_merchant", status()),
    ]
}

//! A merchant's offers: create, list, pause, resume, edit.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, patch, post};
use gangonghui_domain::ids::OfferId;

use super::dto::*;
use super::service;
use crate::audit::RequestContext;
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::pagination::{PageQuery, page};
use crate::http::{ValidJson, ValidQuery};
use crate::merchants::MerchantError;
use crate::merchants::{MerchantOwner, MerchantStaff};
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_offer)
        .service(list_offers)
        .service(update_offer);
}

/// Create an offer (owner only).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), request_body = CreateOfferBody,
    responses((status = 201, body = OfferDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/offers")]
pub async fn create_offer(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    body: ValidJson<CreateOfferBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let offer = body.read().await?.into_domain(now)?;
    let created = service::create(&state, &owner, offer, ctx).await?;
    Ok(HttpResponse::Created().json(OfferDto::from(created)))
}

/// The merchant's offers, newest first.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(PageQuery),
    responses((status = 200, body = OfferListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/offers")]
pub async fn list_offers(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: ValidQuery<PageQuery>,
) -> Result<Json<OfferListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let limit = keyset.limit;
    let rows = service::list_own(&state, &staff_member, keyset).await?;
    Ok(Json(page(
        rows,
        limit,
        |o| o.id.clone(),
        OfferDto::from,
        |items, next_cursor| OfferListDto { items, next_cursor },
    )))
}

/// Pause, resume or edit an offer (owner only).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("id" = String, Path, description = "Offer id")), request_body = UpdateOfferBody,
    responses((status = 200, body = OfferDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[patch("/merchant/offers/{id}")]
pub async fn update_offer(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    id: Path<OfferId>,
    body: ValidJson<UpdateOfferBody>,
) -> Result<Json<OfferDto>, ApiError> {
    let change = body.read().await?.into_change()?;
    Ok(Json(
        service::change(&state, &owner, id.into_inner(), change, ctx)
            .await?
            .into(),
    ))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    let owner = MerchantOwner::refusals;
    vec![
        ("create_offer", owner()),
        ("list_offers", vec![]),
        (
            "update_offer",
            [owner(), vec![MerchantError::OfferNotFound.into()]].concat(),
        ),
    ]
}

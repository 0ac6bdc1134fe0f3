//! Finding merchants: by city, category and name, or nearest first; one merchant with its live offers.

use actix_web::get;
use actix_web::web::{Data, Json, Path};
use gangonghui_domain::ids::MerchantId;

use super::dto::*;
use super::service::{self, Page};
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::ValidQuery;
use crate::http::pagination::encode_cursor;
use crate::merchants::MerchantError;
use crate::merchants::offers::dto::OfferDto;
use crate::merchants::onboarding::dto::MerchantDto;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(list_merchants).service(get_merchant);
}

/// Find active merchants by city, category and name; with `lat`/`lng`, nearest first.
#[utoipa::path(tag = "merchants", params(MerchantsQuery),
    responses((status = 200, body = MerchantListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchants")]
pub async fn list_merchants(
    state: Data<AppState>,
    query: ValidQuery<MerchantsQuery>,
) -> Result<Json<MerchantListDto>, ApiError> {
    let (search, page, limit) = query.read()?.into_search()?;
    let (rows, next) = service::search(&state, search, page, limit).await?;
    let next_cursor = next.map(|p| match p {
        Page::Offset(n) => encode_cursor(&format!("o:{n}")),
        Page::After(id) => {
            encode_cursor(&format!("a:{}", id.as_ref().map_or("", MerchantId::as_str)))
        }
    });
    Ok(Json(MerchantListDto {
        items: rows
            .into_iter()
            .map(|(m, d)| MerchantDto::new(m, d))
            .collect(),
        next_cursor,
    }))
}

/// An active merchant with the offers usable now.
#[utoipa::path(tag = "merchants", params(("id" = String, Path, description = "Merchant id")),
    responses((status = 200, body = MerchantDetailDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchants/{id}")]
pub async fn get_merchant(
    state: Data<AppState>,
    id: Path<MerchantId>,
) -> Result<Json<MerchantDetailDto>, ApiError> {
    let (merchant, live) = service::merchant_with_offers(&state, id.into_inner()).await?;
    Ok(Json(MerchantDetailDto {
        merchant: MerchantDto::new(merchant, None),
        offers: live.into_iter().map(OfferDto::from).collect(),
    }))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    vec![
        ("list_merchants", vec![]),
        ("get_merchant", vec![MerchantError::NotFound.into()]),
    ]
}

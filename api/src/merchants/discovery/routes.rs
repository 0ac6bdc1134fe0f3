//! Finding merchants: by city, category and name, or nearest first; one merchant with its live offers.

use actix_web::get;
use actix_web::web::{Data, Json, Path, Query};
use gangonghui_domain::division::{DivisionCode, DivisionLevel};
use gangonghui_domain::geo::Point;

use super::dto::*;
use super::service::{self, Page, Search};
use crate::http::Issues;
use crate::http::pagination::{decode_cursor, encode_cursor, page_size};
use crate::http::{ApiError, FieldIssueKind};
use crate::merchants::offers::dto::*;
use crate::merchants::onboarding::dto::*;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(list_merchants).service(get_merchant);
}

const DEFAULT_RADIUS_M: f64 = 5_000.0;

const MAX_RADIUS_M: f64 = 50_000.0;

/// Find active merchants by city, category and name; with `lat`/`lng`, nearest first.
#[utoipa::path(tag = "merchants", params(MerchantsQuery),
    responses((status = 200, body = MerchantListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchants")]
pub async fn list_merchants(
    state: Data<AppState>,
    query: Query<MerchantsQuery>,
) -> Result<Json<MerchantListDto>, ApiError> {
    let q = query.into_inner();
    let limit = page_size(q.limit)?;
    let mut issues = Issues::default();
    let city = match &q.city {
        Some(code) => issues.check(
            "city",
            DivisionCode::parse(code)
                .ok()
                .filter(|d| d.level() == DivisionLevel::City)
                .and_then(|d| d.city())
                .ok_or(()),
            "city",
        ),
        None => None,
    };
    let near = match (q.lat, q.lng) {
        (Some(lat), Some(lng)) => {
            let radius = q.radius_m.unwrap_or(DEFAULT_RADIUS_M);
            if !(1.0..=MAX_RADIUS_M).contains(&radius) {
                issues.push(
                    "radius_m",
                    FieldIssueKind::AboveMaximum {
                        max: MAX_RADIUS_M.to_string(),
                    },
                );
            }
            issues
                .check("lat", Point::new(lat, lng).ok_or(()), "coordinates")
                .map(|p| (p, radius))
        }
        (None, None) => None,
        _ => {
            issues.push(
                if q.lat.is_none() { "lat" } else { "lng" },
                FieldIssueKind::Required,
            );
            None
        }
    };
    let page = match q.cursor.as_deref().map(decode_cursor).transpose()? {
        None if near.is_some() => Page::Offset(0),
        None => Page::After(None),
        Some(c) => match c.split_once(':') {
            Some(("o", n)) => Page::Offset(n.parse().unwrap_or(0)),
            Some(("a", id)) => Page::After(Some(id.to_owned())),
            _ => {
                issues.push("cursor", FieldIssueKind::Invalid { reason: "cursor" });
                Page::After(None)
            }
        },
    };
    issues.finish(|| Some(()))?;
    let search = Search {
        city,
        category: q.category,
        name: q.q.filter(|s| !s.trim().is_empty()),
        near,
    };
    let (rows, next) = service::search(&state, search, page, limit).await?;
    let next_cursor = next.map(|p| match p {
        Page::Offset(n) => encode_cursor(&format!("o:{n}")),
        Page::After(id) => encode_cursor(&format!("a:{}", id.unwrap_or_default())),
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
    id: Path<String>,
) -> Result<Json<MerchantDetailDto>, ApiError> {
    let (merchant, live) = service::merchant_with_offers(&state, id.into_inner()).await?;
    Ok(Json(MerchantDetailDto {
        merchant: MerchantDto::new(merchant, None),
        offers: live.into_iter().map(OfferDto::from).collect(),
    }))
}

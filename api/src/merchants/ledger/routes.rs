//! Reversals, the day ledger, monthly settlement and the member's own history.

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{get, post};

use super::dto::*;
use super::service;
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::http::ApiError;
use crate::http::pagination::{Keyset, decode_cursor, page, page_size};
use crate::merchants::MerchantStaff;
use crate::merchants::counter::dto::RedemptionDto;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(reverse_redemption)
        .service(list_redemptions)
        .service(get_settlements)
        .service(list_my_redemptions);
}

/// Reverse a redemption of this merchant within 7 days, once; the member's use and the quota
/// come back.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(("id" = String, Path, description = "Redemption id")),
    responses((status = 200, body = ReversalDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/redemptions/{id}/reverse")]
pub async fn reverse_redemption(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    ctx: RequestContext,
    id: Path<String>,
) -> Result<Json<ReversalDto>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        service::reverse(&state, &staff_member, id.into_inner(), now, ctx)
            .await?
            .into(),
    ))
}

/// The merchant's redemptions of one day (Asia/Shanghai).
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(LedgerQuery),
    responses((status = 200, body = LedgerDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/redemptions")]
pub async fn list_redemptions(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: Query<LedgerQuery>,
) -> Result<Json<LedgerDto>, ApiError> {
    let q = query.into_inner();
    let limit = page_size(q.limit)?;
    let date = q.day(state.clock.now())?;
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let rows = service::day(&state, &staff_member, date.clone(), after, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |(r, _)| r.id.clone(),
        |(r, reversed)| LedgerEntryDto {
            redemption: r.into(),
            reversed,
        },
        |items, next_cursor| LedgerDto {
            date: date.clone(),
            items,
            next_cursor,
        },
    )))
}

/// Per-day totals of a month, reversals netted on the day they were made.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(SettlementQuery),
    responses((status = 200, body = SettlementDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/settlements")]
pub async fn get_settlements(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: Query<SettlementQuery>,
) -> Result<Json<SettlementDto>, ApiError> {
    let month = query.month(state.clock.now())?;
    let days = service::month(&state, &staff_member, month.clone())
        .await?
        .into_iter()
        .map(|d| SettlementDayDto {
            date: d.date,
            count: d.count,
            reversals: d.reversals,
            original_fen: d.original_fen,
            discount_fen: d.discount_fen,
            payable_fen: d.payable_fen,
        })
        .collect();
    Ok(Json(SettlementDto { month, days }))
}

/// The member's own redemptions, newest first.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(crate::http::pagination::PageQuery),
    responses((status = 200, body = MyRedemptionsDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/redemptions")]
pub async fn list_my_redemptions(
    state: Data<AppState>,
    auth: Authenticated,
    query: Query<crate::http::pagination::PageQuery>,
) -> Result<Json<MyRedemptionsDto>, ApiError> {
    let q = query.into_inner();
    let Keyset {
        after: before,
        limit,
    } = Keyset::parse(q.limit, q.cursor.as_deref())?;
    let rows = service::mine(&state, &auth, before, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |r| r.id.clone(),
        RedemptionDto::from,
        |items, next_cursor| MyRedemptionsDto { items, next_cursor },
    )))
}

//! Reversals, the day ledger, monthly settlement and the member's own history.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use gangonghui_domain::ids::RedemptionId;

use super::dto::*;
use super::service;
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::ValidQuery;
use crate::http::idempotency::{IdempotencyKey, Stored};
use crate::http::pagination::{Keyset, PageQuery, cursor, page, page_size};
use crate::merchants::MerchantError;
use crate::merchants::MerchantStaff;
use crate::merchants::counter::dto::RedemptionDto;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(reverse_redemption)
        .service(list_redemptions)
        .service(list_history)
        .service(get_settlements)
        .service(list_my_redemptions);
}

/// Reverse a redemption of this merchant within 7 days, once; the member's use and the quota
/// come back.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(("id" = String, Path, description = "Redemption id"), IdempotencyKey),
    responses((status = 200, body = ReversalDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/redemptions/{id}/reverse")]
pub async fn reverse_redemption(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    ctx: RequestContext,
    id: Path<RedemptionId>,
    key: IdempotencyKey,
) -> Result<Stored, ApiError> {
    let id = id.into_inner();
    let keyed = key.keyed(
        &staff_member.merchant_id,
        &serde_json::json!({ "reverse": id }),
    )?;
    let now = state.clock.now();
    service::reverse(&state, &staff_member, keyed, id, now, ctx).await
}

/// The merchant's redemptions of one day (Asia/Shanghai).
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(LedgerQuery),
    responses((status = 200, body = LedgerDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/redemptions")]
pub async fn list_redemptions(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: ValidQuery<LedgerQuery>,
) -> Result<Json<LedgerDto>, ApiError> {
    let q = query.read()?;
    let limit = page_size(q.limit)?;
    let date = q.day(state.clock.now())?;
    let after = cursor(q.cursor.as_deref())?.map(RedemptionId::from);
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

/// The merchant's redemptions over all days, newest first (reversed ones included and marked).
/// Keyset pages: a deep page costs what the first does.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(PageQuery),
    responses((status = 200, body = HistoryDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/redemptions/history")]
pub async fn list_history(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: ValidQuery<PageQuery>,
) -> Result<Json<HistoryDto>, ApiError> {
    let Keyset { after, limit } = query.read()?.keyset()?;
    let before = after.as_deref().map(history_position);
    let rows = service::history(&state, &staff_member, before, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |(r, _)| history_cursor(&r.local_date, r.id.as_str()),
        |(r, reversed)| LedgerEntryDto {
            redemption: r.into(),
            reversed,
        },
        |items, next_cursor| HistoryDto { items, next_cursor },
    )))
}

/// Per-day totals of a month, reversals netted on the day they were made.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), params(SettlementQuery),
    responses((status = 200, body = SettlementDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/settlements")]
pub async fn get_settlements(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    query: ValidQuery<SettlementQuery>,
) -> Result<Json<SettlementDto>, ApiError> {
    let month = query.read()?.month(state.clock.now())?;
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
    query: ValidQuery<crate::http::pagination::PageQuery>,
) -> Result<Json<MyRedemptionsDto>, ApiError> {
    let q = query.read()?;
    let Keyset {
        after: before,
        limit,
    } = Keyset::parse(q.limit, q.cursor.as_deref())?;
    let before = before.map(RedemptionId::from);
    let rows = service::mine(&state, &auth, before, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |r| r.id.clone(),
        RedemptionDto::from,
        |items, next_cursor| MyRedemptionsDto { items, next_cursor },
    )))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MerchantError as E;
    vec![
        (
            "reverse_redemption",
            vec![
                E::RedemptionNotFound.into(),
                E::AlreadyReversed.into(),
                E::ReversalWindowPassed.into(),
            ],
        ),
        ("list_redemptions", vec![]),
        ("list_history", vec![]),
        ("get_settlements", vec![]),
        ("list_my_redemptions", vec![]),
    ]
}

//! `/api/v1/me/card*` and `/api/v1/admin/cards/*`: the benefit card and its counter code.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, post};
use gangonghui_domain::card::CardEvent;
use gangonghui_domain::ids::{AccountId, CardId};

use super::dto::{CardDto, CounterCodeDto};
use super::{codes, service as cards};
use crate::audit::RequestContext;
use crate::auth::AuthError;
use crate::auth::{Authenticated, UnionAdmin, profile_cache};
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::error::Answer;
use crate::membership::MemberError;
use crate::state::AppState;

/// Registers this feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(get_card)
        .service(get_card_code)
        .service(report_card_lost)
        .service(replace_card)
        .service(freeze_card)
        .service(unfreeze_card);
}

async fn holder(state: &AppState, account_id: &AccountId) -> Result<String, ApiError> {
    Ok(profile_cache::load(state, account_id).await?.display_name)
}

/// The member's card.
#[utoipa::path(tag = "cards", security(("bearer" = [])),
    responses((status = 200, body = CardDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/card")]
pub async fn get_card(
    state: Data<AppState>,
    auth: Authenticated,
) -> Result<Json<CardDto>, ApiError> {
    let card = cards::my_card(&state, &auth).await?;
    Ok(Json(CardDto::new(
        card,
        holder(&state, &auth.account_id).await?,
    )))
}

/// The counter code to show now (refresh at `expires_at`, or after it is used).
#[utoipa::path(tag = "cards", security(("bearer" = [])),
    responses((status = 200, body = CounterCodeDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/card/code")]
pub async fn get_card_code(
    state: Data<AppState>,
    auth: Authenticated,
) -> Result<Json<CounterCodeDto>, ApiError> {
    let now = state.clock.now();
    Ok(Json(codes::current(&state, &auth, now).await?.into()))
}

/// Report the card lost: its codes stop verifying at once.
#[utoipa::path(tag = "cards", security(("bearer" = [])),
    responses((status = 200, body = CardDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/me/card/report-lost")]
pub async fn report_card_lost(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
) -> Result<Json<CardDto>, ApiError> {
    let card = cards::report_lost(&state, &auth, ctx).await?;
    Ok(Json(CardDto::new(
        card,
        holder(&state, &auth.account_id).await?,
    )))
}

/// Replace the card: a new number; the old card becomes `cancelled`.
#[utoipa::path(tag = "cards", security(("bearer" = [])),
    responses((status = 201, body = CardDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/me/card/replace")]
pub async fn replace_card(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
) -> Result<HttpResponse, ApiError> {
    let card = cards::replace(&state, &auth, ctx).await?;
    Ok(HttpResponse::Created().json(CardDto::new(card, holder(&state, &auth.account_id).await?)))
}

/// Freeze a card of a member in the admin's subtree.
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = String, Path, description = "Card id")),
    responses((status = 200, body = CardDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/cards/{id}/freeze")]
pub async fn freeze_card(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<CardId>,
) -> Result<Json<CardDto>, ApiError> {
    let card = cards::admin_change(&state, &admin, id.into_inner(), CardEvent::Freeze, ctx).await?;
    let name = holder(&state, &card.account_id).await?;
    Ok(Json(CardDto::new(card, name)))
}

/// Lift a freeze.
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = String, Path, description = "Card id")),
    responses((status = 200, body = CardDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/cards/{id}/unfreeze")]
pub async fn unfreeze_card(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<CardId>,
) -> Result<Json<CardDto>, ApiError> {
    let card =
        cards::admin_change(&state, &admin, id.into_inner(), CardEvent::Unfreeze, ctx).await?;
    let name = holder(&state, &card.account_id).await?;
    Ok(Json(CardDto::new(card, name)))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MemberError as M;
    let admin = || -> Vec<Answer> {
        vec![
            AuthError::Forbidden.into(),
            M::CardNotFound.into(),
            M::CardInvalidTransition.into(),
        ]
    };
    vec![
        ("get_card", vec![M::CardNotFound.into()]),
        (
            "get_card_code",
            vec![
                M::CardNotFound.into(),
                M::OwnCardFrozen.into(),
                M::OwnCardLost.into(),
                M::OwnCardCancelled.into(),
                M::CodesExhausted { retry_after: 0 }.into(),
            ],
        ),
        (
            "report_card_lost",
            vec![M::CardNotFound.into(), M::CardInvalidTransition.into()],
        ),
        (
            "replace_card",
            vec![
                M::CardNotFound.into(),
                M::CardInvalidTransition.into(),
                M::ReplacementLimit.into(),
            ],
        ),
        ("freeze_card", admin()),
        ("unfreeze_card", admin()),
    ]
}

//! The counter: verify a member's code, record a discounted purchase (核销).

use actix_web::post;
use actix_web::web::{Data, Json};

use super::dto::*;
use super::service;
use super::verification;
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::ValidJson;
use crate::http::error::Answer;
use crate::http::idempotency::{IdempotencyKey, Stored};
use crate::membership::MemberError;
use crate::merchants::MerchantError;
use crate::merchants::MerchantStaff;
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_verification).service(create_redemption);
}

/// Check a member's code at the counter and list the offers they may use; spends nothing.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), request_body = VerifyBody,
    responses((status = 200, body = VerificationDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/verifications")]
pub async fn create_verification(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    body: ValidJson<VerifyBody>,
) -> Result<Json<VerificationDto>, ApiError> {
    let now = state.clock.now();
    let v = verification::verify(&state, &staff_member, body.read().await?.code, now).await?;
    let eligible_offers = v
        .eligible
        .into_iter()
        .map(|(o, remaining)| EligibleOfferDto {
            offer_id: o.id,
            title: o.title,
            remaining_for_member: remaining,
        })
        .collect();
    Ok(Json(VerificationDto {
        card_status: v.card_status,
        holder_name: v.holder_name,
        eligible_offers,
    }))
}

/// Record a discounted purchase (核销). Send an `Idempotency-Key`: a retry with the same key and
/// body gets the first answer again, never a second redemption.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])), request_body = RedeemBody,
    params(IdempotencyKey),
    responses((status = 201, body = RedemptionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/redemptions")]
pub async fn create_redemption(
    state: Data<AppState>,
    staff_member: MerchantStaff,
    body: ValidJson<RedeemBody>,
    key: IdempotencyKey,
) -> Result<Stored, ApiError> {
    let key = key.checked()?;
    let body = body.read().await?;
    let keyed = key.keyed(&staff_member.merchant_id, &body)?;
    service::redeem(&state, staff_member, keyed, body.into()).await
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MemberError as M;
    use MerchantError as E;
    let code = || -> Vec<Answer> {
        vec![
            crate::auth::AuthError::RateLimited(crate::auth::rate_limit::LISTED).into(),
            M::CardFrozen.into(),
            M::CardLost.into(),
            M::CardCancelled.into(),
            M::CodeInvalid.into(),
            M::CodeExpired.into(),
            M::CodeUsed.into(),
        ]
    };
    vec![
        ("create_verification", code()),
        (
            "create_redemption",
            [
                code(),
                vec![
                    E::OfferNotFound.into(),
                    E::OfferInactive.into(),
                    E::OfferNotEligible.into(),
                    E::BelowThreshold.into(),
                    E::LimitReached.into(),
                    E::SoldOut.into(),
                    E::OwnCard.into(),
                ],
            ]
            .concat(),
        ),
    ]
}

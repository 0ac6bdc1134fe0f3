//! The counter: verify a member's code, record a discounted purchase (核销).

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post};
use chrono::Utc;
use gangonghui_domain::Fen;

use super::dto::*;
use super::service::{self, RedeemCmd};
use super::verification;
use crate::crypto::sha256_hex;
use crate::http::ApiError;
use crate::http::ValidJson;
use crate::http::i18n::Lang;
use crate::merchants::idempotency::{self, Stored};
use crate::merchants::{MerchantError, MerchantStaff};
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
    let v = verification::verify(&state, &staff_member, body.into_inner().code, Utc::now()).await?;
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
    params(("Idempotency-Key" = String, Header, description = "1-255 characters, unique per purchase; kept 24 h per merchant")),
    responses((status = 201, body = RedemptionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/redemptions")]
pub async fn create_redemption(
    state: Data<AppState>,
    req: HttpRequest,
    staff_member: MerchantStaff,
    body: ValidJson<RedeemBody>,
) -> Result<HttpResponse, ApiError> {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()))
        .map(str::to_owned)
        .ok_or(MerchantError::IdempotencyKeyRequired)?;
    let body = body.into_inner();
    let request_hash = sha256_hex(&serde_json::to_vec(&body).map_err(ApiError::internal)?);
    let lang = Lang::from_headers(req.headers());
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string);
    let cmd = RedeemCmd {
        code: body.code,
        offer_id: body.offer_id,
        amount: Fen::new(body.amount_fen),
    };
    let (keys, now) = (state.data_keys.clone(), Utc::now());
    let stored = state
        .db(move |conn| {
            let keyed = idempotency::Keyed {
                merchant_id: &staff_member.merchant_id,
                key: &key,
                request_hash: &request_hash,
            };
            idempotency::once(
                conn,
                &keyed,
                |c| {
                    let row = service::redeem_in(c, &keys, &staff_member, &cmd, now)?;
                    let body = serde_json::to_string(&RedemptionDto::from(row))
                        .map_err(ApiError::internal)?;
                    Ok(Stored {
                        status: StatusCode::CREATED,
                        body,
                    })
                },
                |e| Stored {
                    status: e.kind().0,
                    body: serde_json::to_string(&e.problem(lang, request_id.clone()))
                        .unwrap_or_default(),
                },
            )
        })
        .await?;
    Ok(respond(stored))
}

fn respond(stored: Stored) -> HttpResponse {
    let content_type = if stored.status.is_success() {
        "application/json"
    } else {
        gangonghui_openapi::PROBLEM_JSON
    };
    HttpResponse::build(stored.status)
        .content_type(content_type)
        .body(stored.body)
}

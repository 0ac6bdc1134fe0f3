//! Merchant onboarding, administration, staff and POS keys, and discovery.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::Utc;
use gangonghui_domain::Fen;
use gangonghui_domain::Phone;
use gangonghui_domain::geo::Point;
use gangonghui_domain::membership::{ApplicationStatus, Decision};
use gangonghui_persistence::offers::OfferChange;

use crate::audit::RequestContext;
use crate::auth::{Authenticated, UnionAdmin};
use crate::crypto::sha256_hex;
use crate::http::Issues;
use crate::http::ValidJson;
use crate::http::i18n::Lang;
use crate::http::pagination::{decode_cursor, encode_cursor, page, page_size};
use crate::http::{ApiError, FieldIssue, FieldIssueKind};
use crate::members::dto::{ApplicationsQuery, RejectBody};
use crate::merchants::discovery::{self, Page, Search};
use crate::merchants::dto::*;
use crate::merchants::idempotency::{self, Stored};
use crate::merchants::redemption::{self, RedeemCmd};
use crate::merchants::{
    MerchantError, MerchantOwner, MerchantStaff, ledger, offers, onboarding, staff,
};
use crate::state::AppState;

const DEFAULT_RADIUS_M: f64 = 5_000.0;
const MAX_RADIUS_M: f64 = 50_000.0;

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
    let cmd = body.into_inner().into_domain()?;
    let app = onboarding::apply(&state, &auth, cmd, ctx).await?;
    Ok(HttpResponse::Created().json(MerchantApplicationDto::from(app)))
}

/// Merchant applications in the admin's subtree.
#[utoipa::path(tag = "merchants", security(("bearer" = [])), params(ApplicationsQuery),
    responses((status = 200, body = MerchantApplicationListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/admin/merchant-applications")]
pub async fn list_merchant_applications(
    state: Data<AppState>,
    admin: UnionAdmin,
    query: Query<ApplicationsQuery>,
) -> Result<Json<MerchantApplicationListDto>, ApiError> {
    let query = query.into_inner();
    let limit = page_size(query.limit)?;
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    // Merchant applications go through the same states as membership applications.
    let status = query.status.map(|s| ApplicationStatus::from(s).as_str());
    let rows = onboarding::list(&state, &admin, status, after, limit + 1).await?;
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
    id: Path<String>,
) -> Result<Json<MerchantDecisionDto>, ApiError> {
    let (application, merchant) = onboarding::decide(
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
    id: Path<String>,
    body: ValidJson<RejectBody>,
) -> Result<Json<MerchantDecisionDto>, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::Validation(vec![FieldIssue::new(
            "reason",
            FieldIssueKind::Required,
        )]));
    }
    let (application, _) = onboarding::decide(
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
    id: Path<String>,
) -> Result<Json<MerchantDto>, ApiError> {
    Ok(Json(MerchantDto::new(
        onboarding::set_status(&state, &admin, id.into_inner(), true, ctx).await?,
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
    id: Path<String>,
) -> Result<Json<MerchantDto>, ApiError> {
    Ok(Json(MerchantDto::new(
        onboarding::set_status(&state, &admin, id.into_inner(), false, ctx).await?,
        None,
    )))
}

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
            city_of_division(code)
                .filter(|_| code.ends_with("00"))
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
        category: q.category.map(Into::into),
        name: q.q.filter(|s| !s.trim().is_empty()),
        near,
    };
    let (rows, next) = discovery::search(&state, search, page, limit).await?;
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

/// The merchant's staff.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StaffListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/staff")]
pub async fn list_staff(
    state: Data<AppState>,
    staff_member: MerchantStaff,
) -> Result<Json<StaffListDto>, ApiError> {
    let items = staff::list(&state, &staff_member)
        .await?
        .into_iter()
        .map(|s| StaffDto {
            account_id: s.account_id,
            display_name: s.display_name,
            phone: s.phone_masked,
            owner: s.owner,
        })
        .collect();
    Ok(Json(StaffListDto {
        items,
        next_cursor: None,
    }))
}

/// Add a registered account as staff, by phone (owner only).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), request_body = AddStaffBody,
    responses((status = 201, body = StaffDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/staff")]
pub async fn add_staff(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    body: ValidJson<AddStaffBody>,
) -> Result<HttpResponse, ApiError> {
    let mut issues = Issues::default();
    let phone = issues.check("phone", Phone::parse(&body.into_inner().phone), "phone");
    let phone = issues.finish(|| phone)?;
    let masked = phone.masked();
    let account_id = staff::add(&state, &owner, phone, ctx).await?;
    let display_name = crate::auth::profile_cache::load(&state, &account_id)
        .await?
        .display_name;
    Ok(HttpResponse::Created().json(StaffDto {
        account_id,
        display_name,
        phone: masked,
        owner: false,
    }))
}

/// Remove a staff member (owner only; the owner cannot be removed).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("account_id" = String, Path, description = "Staff account id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/merchant/staff/{account_id}")]
pub async fn remove_staff(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    account_id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff::remove(&state, &owner, account_id.into_inner(), ctx).await?;
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
    let label = body.into_inner().label.trim().to_owned();
    if label.is_empty() {
        return Err(ApiError::Validation(vec![FieldIssue::new(
            "label",
            FieldIssueKind::Required,
        )]));
    }
    let (id, key) = staff::create_key(&state, &owner, label.clone(), ctx).await?;
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
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff::revoke_key(&state, &owner, id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An active merchant with the offers usable now.
#[utoipa::path(tag = "merchants", params(("id" = String, Path, description = "Merchant id")),
    responses((status = 200, body = MerchantDetailDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchants/{id}")]
pub async fn get_merchant(
    state: Data<AppState>,
    id: Path<String>,
) -> Result<Json<MerchantDetailDto>, ApiError> {
    let (merchant, live) = offers::merchant_with_offers(&state, id.into_inner()).await?;
    Ok(Json(MerchantDetailDto {
        merchant: MerchantDto::new(merchant, None),
        offers: live.into_iter().map(OfferDto::from).collect(),
    }))
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
    let offer = body.into_inner().into_domain(Utc::now())?;
    let created = offers::create(&state, &owner, offer, ctx).await?;
    Ok(HttpResponse::Created().json(OfferDto::from(created)))
}

/// The merchant's offers, newest first.
#[utoipa::path(tag = "merchant", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = OfferListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/offers")]
pub async fn list_offers(
    state: Data<AppState>,
    staff_member: MerchantStaff,
) -> Result<Json<OfferListDto>, ApiError> {
    let items = offers::list_own(&state, &staff_member)
        .await?
        .into_iter()
        .map(OfferDto::from)
        .collect();
    Ok(Json(OfferListDto {
        items,
        next_cursor: None,
    }))
}

/// Pause, resume or edit an offer (owner only).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("id" = String, Path, description = "Offer id")), request_body = UpdateOfferBody,
    responses((status = 200, body = OfferDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[patch("/merchant/offers/{id}")]
pub async fn update_offer(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    id: Path<String>,
    body: ValidJson<UpdateOfferBody>,
) -> Result<Json<OfferDto>, ApiError> {
    let body = body.into_inner();
    let title = body.title.map(|t| t.trim().to_owned());
    if title.as_deref().is_some_and(str::is_empty) {
        return Err(ApiError::Validation(vec![FieldIssue::new(
            "title",
            FieldIssueKind::Required,
        )]));
    }
    let change = OfferChange {
        title,
        status: body.status.map(|s| match s {
            OfferStatusDto::Active => "active".to_owned(),
            OfferStatusDto::Paused => "paused".to_owned(),
        }),
        ends_at: body.ends_at.map(|t| t.naive_utc()),
        total_quota: body.total_quota,
        updated_at: None,
    };
    Ok(Json(
        offers::change(&state, &owner, id.into_inner(), change, ctx)
            .await?
            .into(),
    ))
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
    let v = offers::verify(&state, &staff_member, body.into_inner().code, Utc::now()).await?;
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
                    let row = redemption::redeem_in(c, &keys, &staff_member, &cmd, now)?;
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
    Ok(Json(
        ledger::reverse(&state, &staff_member, id.into_inner(), Utc::now(), ctx)
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
    let date = match q.date {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            ApiError::Validation(vec![FieldIssue::new(
                "date",
                FieldIssueKind::Invalid { reason: "date" },
            )])
        })?,
        None => gangonghui_domain::time::shanghai_date(Utc::now()),
    }
    .format("%Y-%m-%d")
    .to_string();
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let rows = ledger::day(&state, &staff_member, date.clone(), after, limit + 1).await?;
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
    let month = match query.into_inner().month {
        Some(m) => {
            let ok = chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok()
                && m.len() == 7;
            if !ok {
                return Err(ApiError::Validation(vec![FieldIssue::new(
                    "month",
                    FieldIssueKind::Invalid { reason: "month" },
                )]));
            }
            m
        }
        None => gangonghui_domain::time::shanghai_date(Utc::now())
            .format("%Y-%m")
            .to_string(),
    };
    let days = ledger::month(&state, &staff_member, month.clone())
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
#[utoipa::path(tag = "me", security(("bearer" = [])), params(crate::members::dto::PageQuery),
    responses((status = 200, body = crate::merchants::dto::MyRedemptionsDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/redemptions")]
pub async fn list_my_redemptions(
    state: Data<AppState>,
    auth: Authenticated,
    query: Query<crate::members::dto::PageQuery>,
) -> Result<Json<MyRedemptionsDto>, ApiError> {
    let q = query.into_inner();
    let limit = page_size(q.limit)?;
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let rows = ledger::mine(&state, &auth, before, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |r| r.id.clone(),
        RedemptionDto::from,
        |items, next_cursor| MyRedemptionsDto { items, next_cursor },
    )))
}

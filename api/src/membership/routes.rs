//! Membership applications: members apply; union admins in scope approve or reject; admins set
//! members' 劳模 level and hardship.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, patch, post};
use gangonghui_domain::ids::{AccountId, MembershipApplicationId};
use gangonghui_domain::membership::Decision;

use super::dto::*;
use super::service as membership;
use crate::audit::RequestContext;
use crate::auth::AuthError;
use crate::auth::dto::ProfileDto;
use crate::auth::{Authenticated, UnionAdmin, profile_cache};
use crate::cards::dto::CardDto;
use crate::doc::Refusals;
use crate::http::Issues;
use crate::http::ValidJson;
use crate::http::ValidQuery;
use crate::http::error::Answer;
use crate::http::pagination::{Keyset, page};
use crate::http::{ApiError, FieldIssueKind};
use crate::membership::MemberError;
use crate::state::AppState;

/// Registers this feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_membership_application)
        .service(list_membership_applications)
        .service(approve_membership_application)
        .service(reject_membership_application)
        .service(update_member);
}

/// Apply to join a grassroots union (real-name verification first; one open application).
#[utoipa::path(tag = "membership", security(("bearer" = [])), request_body = ApplyBody,
    responses((status = 201, body = ApplicationDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/me/membership-applications")]
pub async fn create_membership_application(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    body: ValidJson<ApplyBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    let employer = body.employer.trim().to_owned();
    let mut issues = Issues::default();
    if employer.is_empty() {
        issues.push("employer", FieldIssueKind::Required);
    }
    issues.finish(|| Some(()))?;
    let app = membership::apply(&state, &auth, body.org_id, employer, ctx).await?;
    Ok(HttpResponse::Created().json(ApplicationDto::from(app)))
}

/// Applications to unions in the admin's subtree, oldest first.
#[utoipa::path(tag = "membership", security(("bearer" = [])), params(ApplicationsQuery),
    responses((status = 200, body = ApplicationListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/admin/membership-applications")]
pub async fn list_membership_applications(
    state: Data<AppState>,
    admin: UnionAdmin,
    query: ValidQuery<ApplicationsQuery>,
) -> Result<Json<ApplicationListDto>, ApiError> {
    let query = query.read()?;
    let Keyset { after, limit } = Keyset::parse(query.limit, query.cursor.as_deref())?;
    let status = query.status;
    let after = after.map(MembershipApplicationId::from);
    let rows = membership::list(&state, &admin, status, after, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |a| a.id.clone(),
        ApplicationDto::from,
        |items, next_cursor| ApplicationListDto { items, next_cursor },
    )))
}

/// Approve: the membership becomes active and a card is issued, in one transaction.
#[utoipa::path(tag = "membership", security(("bearer" = [])), params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = DecisionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/membership-applications/{id}/approve")]
pub async fn approve_membership_application(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MembershipApplicationId>,
) -> Result<Json<DecisionDto>, ApiError> {
    decision(
        &state,
        &admin,
        id.into_inner(),
        Decision::Approve,
        None,
        ctx,
    )
    .await
}

/// Reject with a reason the applicant will see.
#[utoipa::path(tag = "membership", security(("bearer" = [])), params(("id" = String, Path, description = "Application id")), request_body = RejectBody,
    responses((status = 200, body = DecisionDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/membership-applications/{id}/reject")]
pub async fn reject_membership_application(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<MembershipApplicationId>,
    body: ValidJson<RejectBody>,
) -> Result<Json<DecisionDto>, ApiError> {
    let reason = body.read().await?.into_reason()?;
    decision(
        &state,
        &admin,
        id.into_inner(),
        Decision::Reject,
        Some(reason),
        ctx,
    )
    .await
}

async fn decision(
    state: &AppState,
    admin: &UnionAdmin,
    id: MembershipApplicationId,
    decision: Decision,
    reason: Option<String>,
    ctx: RequestContext,
) -> Result<Json<DecisionDto>, ApiError> {
    let (application, card) = membership::decide(state, admin, id, decision, reason, ctx).await?;
    let card = match card {
        Some(card) => Some(CardDto::new(
            card,
            profile_cache::load(state, &application.account_id)
                .await?
                .display_name,
        )),
        None => None,
    };
    Ok(Json(DecisionDto {
        application: application.into(),
        card,
    }))
}

/// Set a member's 劳模 level and hardship flag (members of unions in the admin's subtree).
#[utoipa::path(tag = "membership", security(("bearer" = [])), params(("id" = String, Path, description = "Member (account) id")), request_body = UpdateMemberBody,
    responses((status = 200, body = ProfileDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[patch("/admin/members/{id}")]
pub async fn update_member(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    id: Path<AccountId>,
    body: ValidJson<UpdateMemberBody>,
) -> Result<Json<ProfileDto>, ApiError> {
    let body = body.read().await?;
    let update = membership::MemberUpdate {
        labor_model_level: body.labor_model_level,
        hardship: body.hardship,
    };
    let profile = membership::update_member(&state, &admin, id.into_inner(), update, ctx).await?;
    Ok(Json(ProfileDto::new(profile, &[])))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MemberError as M;
    let forbidden = || -> Answer { AuthError::Forbidden.into() };
    vec![
        (
            "create_membership_application",
            vec![
                M::OrgNotFound.into(),
                M::RealNameRequired.into(),
                M::ApplicationOpen.into(),
                M::AlreadyMember.into(),
                M::NotGrassroots.into(),
            ],
        ),
        ("list_membership_applications", vec![forbidden()]),
        (
            "approve_membership_application",
            vec![
                forbidden(),
                ApiError::NotFound.into(),
                M::AlreadyDecided.into(),
                M::OwnRecord.into(),
            ],
        ),
        (
            "reject_membership_application",
            vec![
                forbidden(),
                ApiError::NotFound.into(),
                M::AlreadyDecided.into(),
                M::OwnRecord.into(),
            ],
        ),
        (
            "update_member",
            vec![forbidden(), M::MemberNotFound.into(), M::OwnRecord.into()],
        ),
    ]
}

//! Staff invitations: the owner invites by phone, lists and revokes; the invited account lists,
//! accepts or declines its own.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, post};
use gangonghui_domain::ids::StaffInvitationId;

use super::dto::*;
use super::{answers, invitations};
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::doc::Refusals;
use crate::http::pagination::{PageQuery, page};
use crate::http::{ApiError, ValidJson, ValidQuery};
use crate::merchants::{MerchantError, MerchantOwner};
use crate::state::AppState;

/// Registers this sub-feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(invite_staff)
        .service(list_staff_invitations)
        .service(revoke_staff_invitation)
        .service(list_my_staff_invitations)
        .service(accept_staff_invitation)
        .service(decline_staff_invitation);
}

/// Invite someone to the staff by phone (owner only). The answer is the same whether or not the
/// number has an account, and says nothing of it; the account of that number becomes staff only
/// when it accepts, within 7 days. Inviting a number again while its invitation is open answers
/// that invitation. At most 50 invitations may be open at once (then 409
/// `staff_invitation.limit_reached`).
#[utoipa::path(tag = "merchant", security(("bearer" = [])), request_body = InviteStaffBody,
    responses((status = 202, body = StaffInvitationDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/merchant/staff")]
pub async fn invite_staff(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    body: ValidJson<InviteStaffBody>,
) -> Result<HttpResponse, ApiError> {
    let phone = body.read().await?.phone()?;
    let invitation = invitations::invite(&state, &owner, phone, ctx).await?;
    Ok(HttpResponse::Accepted().json(StaffInvitationDto::from(invitation)))
}

/// The merchant's open invitations (owner only): not yet accepted, revoked or expired.
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = StaffInvitationListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/merchant/staff-invitations")]
pub async fn list_staff_invitations(
    state: Data<AppState>,
    owner: MerchantOwner,
    query: ValidQuery<PageQuery>,
) -> Result<Json<StaffInvitationListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let limit = keyset.limit;
    let rows = invitations::list(&state, &owner, keyset).await?;
    let build = |items, next_cursor| StaffInvitationListDto { items, next_cursor };
    Ok(Json(page(
        rows,
        limit,
        |r| r.id.clone(),
        StaffInvitationDto::from,
        build,
    )))
}

/// Revoke an open invitation (owner only); it can no longer be accepted.
#[utoipa::path(tag = "merchant", security(("bearer" = [])), params(("id" = String, Path, description = "Invitation id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/merchant/staff-invitations/{id}")]
pub async fn revoke_staff_invitation(
    state: Data<AppState>,
    owner: MerchantOwner,
    ctx: RequestContext,
    id: Path<StaffInvitationId>,
) -> Result<HttpResponse, ApiError> {
    invitations::revoke(&state, &owner, id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invitations to a merchant's staff made to the caller's own number, open and unexpired.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = MyStaffInvitationListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/me/staff-invitations")]
pub async fn list_my_staff_invitations(
    state: Data<AppState>,
    auth: Authenticated,
    query: ValidQuery<PageQuery>,
) -> Result<Json<MyStaffInvitationListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let limit = keyset.limit;
    let rows = answers::mine(&state, &auth, keyset).await?;
    let build = |items, next_cursor| MyStaffInvitationListDto { items, next_cursor };
    Ok(Json(page(
        rows,
        limit,
        |r| r.0.id.clone(),
        MyStaffInvitationDto::from,
        build,
    )))
}

/// Accept an invitation: the caller is the merchant's staff from the next request on. An account
/// already staff of another merchant is refused (409 `merchant.staff_elsewhere`) and the
/// invitation stays open.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(("id" = String, Path, description = "Invitation id")),
    responses((status = 200, body = MyStaffInvitationDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/me/staff-invitations/{id}/accept")]
pub async fn accept_staff_invitation(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<StaffInvitationId>,
) -> Result<Json<MyStaffInvitationDto>, ApiError> {
    let accepted = answers::accept(&state, &auth, id.into_inner(), ctx).await?;
    Ok(Json(MyStaffInvitationDto::from(accepted)))
}

/// Decline an invitation.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(("id" = String, Path, description = "Invitation id")),
    responses((status = 204), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/me/staff-invitations/{id}/decline")]
pub async fn decline_staff_invitation(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<StaffInvitationId>,
) -> Result<HttpResponse, ApiError> {
    answers::decline(&state, &auth, id.into_inner(), ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MerchantError as E;
    let owner = MerchantOwner::refusals;
    let answer = || {
        vec![
            E::InvitationNotFound.into(),
            E::InvitationClosed.into(),
            E::InvitationExpired.into(),
        ]
    };
    vec![
        (
            "invite_staff",
            [owner(), vec![E::InvitationLimitReached.into()]].concat(),
        ),
        ("list_staff_invitations", owner()),
        ("revoke_staff_invitation", [owner(), answer()].concat()),
        ("list_my_staff_invitations", vec![]),
        (
            "accept_staff_invitation",
            [answer(), vec![E::StaffElsewhere.into()]].concat(),
        ),
        ("decline_staff_invitation", answer()),
    ]
}

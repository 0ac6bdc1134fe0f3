//! `/api/v1/orgs` and `/api/v1/admin/orgs`: the union organisation tree.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get, post};
use gangonghui_domain::ids::OrgId;

use super::dto::{CreateOrgBody, OrgDto, OrgListDto, OrgsQuery};
use super::service as orgs;
use crate::audit::RequestContext;
use crate::auth::AuthError;
use crate::auth::UnionAdmin;
use crate::doc::Refusals;
use crate::http::ApiError;
use crate::http::ValidJson;
use crate::http::ValidQuery;
use crate::http::pagination::{Keyset, page};
use crate::membership::MemberError;
use crate::state::AppState;

/// Registers this feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(list_orgs).service(create_org);
}

/// List org units: the children of `parent_id`, or the top of the tree.
#[utoipa::path(tag = "orgs", params(OrgsQuery),
    responses((status = 200, body = OrgListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/orgs")]
pub async fn list_orgs(
    state: Data<AppState>,
    query: ValidQuery<OrgsQuery>,
) -> Result<Json<OrgListDto>, ApiError> {
    let query = query.read()?;
    let Keyset { after, limit } = Keyset::parse(query.limit, query.cursor.as_deref())?;
    let after = after.map(OrgId::from);
    let rows = orgs::children(&state, query.parent_id, after, limit + 1).await?;
    Ok(Json(page(
        rows,
        limit,
        |o| o.id.clone(),
        OrgDto::from,
        |items, next_cursor| OrgListDto { items, next_cursor },
    )))
}

/// Create a county union or grassroots union under a unit in the admin's subtree.
#[utoipa::path(tag = "orgs", security(("bearer" = [])), request_body = CreateOrgBody,
    responses((status = 201, body = OrgDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/admin/orgs")]
pub async fn create_org(
    state: Data<AppState>,
    admin: UnionAdmin,
    ctx: RequestContext,
    body: ValidJson<CreateOrgBody>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.read().await?.into_domain()?;
    let org = orgs::create(&state, &admin, cmd, ctx).await?;
    Ok(HttpResponse::Created().json(OrgDto::from(org)))
}

/// What these operations can refuse beyond what their security, body and parameters imply
/// (the spec lists each status with its codes; see `crate::doc`).
pub fn refusals() -> Refusals {
    use MemberError as M;
    vec![
        ("list_orgs", vec![]),
        (
            "create_org",
            vec![
                AuthError::Forbidden.into(),
                M::OrgNotFound.into(),
                M::OrgLevelInvalid.into(),
                M::OrgDuplicate.into(),
            ],
        ),
    ]
}

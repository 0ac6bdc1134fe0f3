//! `GET /admin/stats/overview`.

use actix_web::get;
use actix_web::web::{Data, Json};

use super::dto::{OverviewDto, OverviewQuery};
use super::service;
use crate::auth::UnionAdmin;
use crate::http::{ApiError, ValidQuery};
use crate::state::AppState;

/// The figures of the admin's subtree: members, active cards and merchants, redemptions by month
/// (reversals excluded), legal-aid cases by state and category, amounts recovered, time to
/// decision and overdue reviews.
#[utoipa::path(tag = "statistics", security(("bearer" = [])), params(OverviewQuery),
    responses((status = 200, body = OverviewDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/admin/stats/overview")]
pub async fn get_stats_overview(
    state: Data<AppState>,
    admin: UnionAdmin,
    query: ValidQuery<OverviewQuery>,
) -> Result<Json<OverviewDto>, ApiError> {
    let months = query.read()?.months(state.clock.now())?;
    Ok(Json(service::overview(&state, &admin, months).await?))
}

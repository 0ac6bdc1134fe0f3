//! Liveness and readiness for load balancers and orchestrators.

use std::time::Duration;

use actix_web::get;
use actix_web::web::{self, Data, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::ApiError;
use crate::state::AppState;

/// How long readiness waits for a database connection before calling the database unreachable.
const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDto {
    /// `ok`
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessDto {
    /// `ready`
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `postgres` or `sqlite`
    #[schema(example = "postgres")]
    pub database: &'static str,
    /// `redis` or `memory`
    #[schema(example = "redis")]
    pub cache: &'static str,
}

/// The process is up.
///
/// Checks nothing else, so a slow database never makes an orchestrator restart a healthy process.
#[utoipa::path(
    tag = "service",
    responses((status = 200, description = "The process is up", body = HealthDto))
)]
#[get("/healthz")]
pub async fn healthz() -> Json<HealthDto> {
    Json(HealthDto { status: "ok" })
}

/// The database and the cache both answer.
///
/// An instance that answers 200 here can serve traffic.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Ready to serve", body = ReadinessDto),
        (status = 503, description = "The database or the cache is unreachable; `detail` names which",
            body = gangonghui_openapi::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: Data<AppState>) -> Result<Json<ReadinessDto>, ApiError> {
    let pool = state.db.clone();
    let (database, cache) = tokio::join!(
        web::block(move || pool
            .get_within(DB_CHECK_TIMEOUT)
            .and_then(|mut c| gangonghui_persistence::pool::ping(&mut c))),
        state.cache.ping()
    );
    let mut down = Vec::new();
    if !matches!(database, Ok(Ok(()))) {
        down.push("database");
    }
    if cache.is_err() {
        down.push("cache");
    }
    if !down.is_empty() {
        tracing::warn!(components = ?down, "not ready");
        return Err(ApiError::Unavailable { components: down });
    }
    Ok(Json(ReadinessDto {
        status: "ready",
        database: match state.db.backend() {
            gangonghui_persistence::Backend::Postgres => "postgres",
            gangonghui_persistence::Backend::Sqlite => "sqlite",
        },
        cache: state.cache.kind(),
    }))
}

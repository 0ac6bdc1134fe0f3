//! Liveness and readiness for load balancers and orchestrators.

use std::time::Duration;

use actix_web::get;
use actix_web::web::{self, Data, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::ApiError;
use crate::state::AppState;

/// How long readiness waits for a database connection before calling the database unreachable:
/// under the 1 s default timeout of Kubernetes probes, so a slow database still gets an answer.
const DB_CHECK_TIMEOUT: Duration = Duration::from_millis(900);

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
    /// `up`, or `degraded` while the cache does not answer: the instance still serves every
    /// request correctly from the database (slower), so it stays in the load balancer.
    pub cache_state: CacheState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CacheState {
    Up,
    Degraded,
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

/// The database answers; the cache's state is in the body.
///
/// An instance that answers 200 here can serve traffic. The database is the source of truth, so
/// only its loss makes an instance unready; a cache that does not answer is `degraded` (costs
/// speed, never correctness), and one Redis outage never pulls every instance out of a load
/// balancer.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Ready to serve", body = ReadinessDto),
        (status = 503, description = "The database is unreachable, or this instance is stopping",
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
    if state.draining.is_on() {
        return Err(ApiError::Unavailable {
            components: vec!["instance"],
        });
    }
    if !matches!(database, Ok(Ok(()))) {
        tracing::warn!("not ready: the database does not answer");
        return Err(ApiError::Unavailable {
            components: vec!["database"],
        });
    }
    let cache_state = match cache {
        Ok(_) => CacheState::Up,
        Err(_) => {
            tracing::warn!("degraded: the cache does not answer");
            CacheState::Degraded
        }
    };
    Ok(Json(ReadinessDto {
        status: "ready",
        cache_state,
        database: match state.db.backend() {
            gangonghui_persistence::Backend::Postgres => "postgres",
            gangonghui_persistence::Backend::Sqlite => "sqlite",
        },
        cache: state.cache.kind(),
    }))
}

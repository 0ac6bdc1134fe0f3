//! Route registration. Each handler is registered once, here, through utoipa-actix-web: that
//! single registration both routes requests and writes the handler into the OpenAPI spec.

pub mod fallback;
pub mod health;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every documented route of the API.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz).service(health::readyz);
}

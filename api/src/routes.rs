//! Route registration: health, then each feature's `configure`. Handlers are registered through
//! utoipa-actix-web, so one registration both routes requests and writes the spec.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::http::health;

/// Every documented route of the API.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope::scope("/api/v1")
                .configure(crate::auth::configure)
                .configure(crate::orgs::routes::configure)
                .configure(crate::membership::routes::configure)
                .configure(crate::cards::routes::configure)
                .configure(crate::merchants::configure)
                .configure(crate::legal_aid::configure)
                .configure(crate::stats::configure),
        );
}

/// What each feature's operations can refuse, for the spec (one line per feature, as above).
pub fn refusals() -> crate::doc::Refusals {
    let health = vec![
        ("healthz", vec![]),
        (
            "readyz",
            vec![
                crate::http::ApiError::Unavailable {
                    components: Vec::new(),
                }
                .into(),
            ],
        ),
    ];
    [
        health,
        crate::auth::routes::refusals(),
        crate::auth::me::refusals(),
        crate::orgs::routes::refusals(),
        crate::membership::routes::refusals(),
        crate::cards::routes::refusals(),
        crate::merchants::refusals(),
        crate::legal_aid::refusals(),
        crate::stats::refusals(),
    ]
    .concat()
}

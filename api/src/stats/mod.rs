//! Statistics for union admins: the figures of their subtree (members, cards, merchants,
//! redemptions by month, legal-aid cases and outcomes), each from one grouped query.

mod closed_months;
pub mod dto;
pub mod routes;
mod service;

/// Registers this feature's routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(routes::get_stats_overview);
}

/// What these operations can refuse beyond what their security and parameters imply.
pub fn refusals() -> crate::doc::Refusals {
    vec![(
        "get_stats_overview",
        vec![crate::auth::AuthError::Forbidden.into()],
    )]
}

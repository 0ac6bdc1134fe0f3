//! Partner merchants, by sub-feature: onboarding, staff and POS keys, offers, the counter
//! (verification and redemption), discovery, and the ledger (reversals, day ledger,
//! settlements). Shared here: who the caller is at a merchant, the cached key/status checks,
//! and the feature's errors.

pub mod access;
pub mod counter;
pub mod discovery;
mod error;
pub mod extract;
pub mod ledger;
pub mod offers;
pub mod onboarding;
mod problems;
pub mod staff;

pub use error::MerchantError;
pub use extract::{MerchantOwner, MerchantStaff};

use utoipa_actix_web::service_config::ServiceConfig;

/// Every merchant route.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.configure(onboarding::routes::configure)
        .configure(discovery::routes::configure)
        .configure(staff::routes::configure)
        .configure(staff::invitation_routes::configure)
        .configure(offers::routes::configure)
        .configure(counter::routes::configure)
        .configure(ledger::routes::configure);
}

/// What the merchant sub-features' operations can refuse, for the spec.
pub fn refusals() -> crate::doc::Refusals {
    [
        onboarding::routes::refusals(),
        staff::routes::refusals(),
        staff::invitation_routes::refusals(),
        offers::routes::refusals(),
        counter::routes::refusals(),
        discovery::routes::refusals(),
        ledger::routes::refusals(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

//! Route registration. Each handler is registered once, here, through utoipa-actix-web: that
//! single registration both routes requests and writes the handler into the OpenAPI spec.

pub mod auth;
pub mod cards;
pub mod me;
pub mod membership;
pub mod orgs;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every documented route of the API.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(crate::http::health::healthz)
        .service(crate::http::health::readyz)
        .service(
            scope::scope("/api/v1")
                .service(auth::send_otp)
                .service(auth::register)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::logout_all)
                .service(auth::reset_password)
                .service(auth::wechat_login)
                .service(auth::wechat_bind)
                .service(me::get_me)
                .service(me::verify_real_name)
                .service(me::change_password)
                .service(me::list_sessions)
                .service(me::delete_session)
                .service(orgs::list_orgs)
                .service(orgs::create_org)
                .service(membership::create_membership_application)
                .service(membership::list_membership_applications)
                .service(membership::approve_membership_application)
                .service(membership::reject_membership_application)
                .service(membership::update_member)
                .service(cards::get_card)
                .service(cards::get_card_code)
                .service(cards::report_card_lost)
                .service(cards::replace_card)
                .service(cards::freeze_card)
                .service(cards::unfreeze_card)
                .configure(crate::merchants::configure),
        );
}

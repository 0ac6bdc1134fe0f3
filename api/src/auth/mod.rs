//! Identity and sessions: phone accounts, one-time codes, tokens, sessions, roles, WeChat login,
//! the signed mini-program client and rate limits.

pub mod account;
pub mod client;
pub mod dto;
mod error;
pub mod extract;
pub mod me;
pub mod me_dto;
pub mod operators;
pub mod otp;
pub mod password;
mod problems;
pub mod profile_cache;
pub mod rate_limit;
pub mod routes;
pub mod service;
pub mod session_cache;
pub mod sessions;
pub mod sms;
pub mod tokens;
pub mod wechat;
pub mod wechat_signin;

pub use error::AuthError;
pub use extract::{Authenticated, LegalOfficer, UnionAdmin};

use utoipa_actix_web::service_config::ServiceConfig;

/// Every identity route: signing in and the account's own profile and sessions.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.configure(routes::configure).configure(me::configure);
}

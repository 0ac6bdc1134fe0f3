//! Cross-origin browser calls: off unless `GGH_CORS_ORIGINS` lists the web apps allowed to make
//! them. The member app, counters and the mini-program's server are not browsers and need none.

use actix_cors::Cors;
use actix_web::http::Method;
use actix_web::http::header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE};

/// The CORS policy for these origins, or `None` when there are none.
pub fn policy(origins: &[String]) -> Option<Cors> {
    if origins.is_empty() {
        return None;
    }
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    let policy = origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(methods)
        .allowed_headers([AUTHORIZATION, CONTENT_TYPE, ACCEPT, ACCEPT_LANGUAGE])
        .allowed_header("idempotency-key")
        .allowed_header("x-api-key")
        .expose_headers([
            "x-request-id",
            "retry-after",
            "ratelimit",
            "ratelimit-policy",
        ])
        .max_age(600);
    Some(policy)
}

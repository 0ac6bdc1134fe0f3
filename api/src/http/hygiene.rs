//! What every response carries whatever answered it, and HEAD on every GET route.
//!
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`:
//!   nothing here is meant to be sniffed, framed or to leak its URL (ids) to another site.
//! - `Cache-Control: no-store` on API answers that do not choose otherwise: tokens, card codes,
//!   API keys and personal data must not stay in a proxy's or a phone's HTTP cache.
//! - `Content-Security-Policy`: the API's answers may load nothing and sit in no frame; the docs
//!   page may load only its own scripts, styles and images.
//! - `Strict-Transport-Security` when configured (`GGH_HSTS_MAX_AGE`): only the TLS terminator
//!   in front knows the site is served over HTTPS.
//! - `Connection: close` while the instance drains before it stops (see `http::drain`).
//! - HEAD is answered as the GET it stands for (API.md: every GET route also answers HEAD); the
//!   HTTP layer sends the headers, `Content-Length` included, and never the body.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::middleware::Next;
use actix_web::web::Data;

use crate::state::AppState;

/// Swagger UI's page: its own files, inline styles (it sets them on elements), data: images.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// JSON answers load nothing.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

pub async fn hygiene(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let api = req.path().starts_with("/api/");
    let docs = req.path().starts_with("/docs");
    let state = req.app_data::<Data<AppState>>();
    let hsts = state.and_then(|state| state.settings.edge.hsts_max_age);
    let draining = state.is_some_and(|state| state.draining.is_on());
    let mut response = next.call(req).await?.map_into_boxed_body();
    if draining {
        // The balancer must not send another request on this connection (http::drain).
        let head = response.response_mut().head_mut();
        head.set_connection_type(actix_web::http::ConnectionType::Close);
    }
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if api && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let csp = if docs { DOCS_CSP } else { API_CSP };
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    if let Some(max_age) = hsts
        && let Ok(value) = HeaderValue::from_str(&format!("max-age={max_age}; includeSubDomains"))
    {
        headers.insert(STRICT_TRANSPORT_SECURITY, value);
    }
    Ok(response)
}

//! One log line and one set of metrics per request, when it completes: request id, route
//! template, method, status, latency and who called (account or merchant id, nothing else).
//!
//! Runs inside the request's root span and outside every other middleware, so it sees the
//! status the client gets (problem rendering included) and times all of the work. What it
//! names is chosen, never copied from the request: no path, query, header or body reaches the
//! line, so a phone number, password or token in them cannot either.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest};
use gangonghui_domain::ids::{AccountId, MerchantId};

use super::request_id::RequestId;
use crate::metrics::record;

/// The route label and log value of a request no route matched (a 404): raw paths are chosen
/// by clients and would grow the metrics without bound.
pub const UNMATCHED: &str = "unmatched";

/// Who made the request, as far as its extractors proved it. Ids only.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub account_id: Option<AccountId>,
    pub merchant_id: Option<MerchantId>,
}

/// The problem `code` a refused request was answered with, for its line.
#[derive(Debug, Clone, Copy)]
pub struct ProblemCode(pub &'static str);

/// Notes the authenticated account of this request for its line.
pub fn note_account(req: &HttpRequest, id: &AccountId) {
    note(req, |caller| caller.account_id = Some(id.clone()));
}

/// Notes the merchant this request acts for (a staff login or a POS key).
pub fn note_merchant(req: &HttpRequest, id: &MerchantId) {
    note(req, |caller| caller.merchant_id = Some(id.clone()));
}

fn note(req: &HttpRequest, set: impl FnOnce(&mut Caller)) {
    let mut extensions = req.extensions_mut();
    if !extensions.contains::<Caller>() {
        extensions.insert(Caller::default());
    }
    if let Some(caller) = extensions.get_mut::<Caller>() {
        set(caller);
    }
}

pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.match_pattern().unwrap_or_else(|| UNMATCHED.to_owned());
    // Read now: the request cannot be kept (routing needs it unshared), and an error that
    // escapes as `Err` takes it along.
    let request_id = RequestId::of(&req).unwrap_or_default();
    let outcome = next
        .call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body);
    let elapsed = started.elapsed();
    let (status, code, caller) = match &outcome {
        Ok(res) => (
            res.status(),
            res.response()
                .extensions()
                .get::<ProblemCode>()
                .map(|c| c.0),
            res.request().extensions().get::<Caller>().cloned(),
        ),
        Err(e) => {
            let status = e.as_response_error().status_code();
            if status.is_server_error() {
                // Nothing inside rendered it, so nothing logged it: its one 5xx line.
                tracing::error!(error.chain = %e, "request failed");
            }
            (status, None, None)
        }
    };
    record::http_request(&method, &route, status, elapsed);
    let caller = caller.unwrap_or_default();
    tracing::info!(
        request_id,
        route,
        method = method.as_str(),
        status = status.as_u16(),
        // Microseconds as fractional milliseconds: 3.214, not 3.2140000000000004.
        latency_ms = elapsed.as_micros() as f64 / 1000.0,
        account_id = caller.account_id.as_ref().map(AccountId::as_str),
        merchant_id = caller.merchant_id.as_ref().map(MerchantId::as_str),
        code,
        "request completed"
    );
    outcome
}

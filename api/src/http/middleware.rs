//! Response middleware: every error answers as problem+json in the caller's language, carrying
//! the request id, and every response carries `X-Request-Id`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use gangonghui_openapi::PROBLEM_JSON;
use tracing_actix_web::RequestId;

use crate::http::ApiError;
use crate::http::i18n::Lang;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub async fn problem_details(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_headers(req.headers());
    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
    // No resource's path holds U+0000; answered here, before any lookup reaches the database.
    let (req, mut response) = if req.path().contains("%00") {
        let (req, _) = req.into_parts();
        (req, ApiError::NotFound.render(lang, request_id.clone()))
    } else {
        next.call(req).await?.map_into_boxed_body().into_parts()
    };

    let api_error = response.error().and_then(|e| e.as_error::<ApiError>());
    let rendered = match api_error {
        Some(err) => {
            if let ApiError::Internal(cause) = err {
                // The whole chain goes to the log; the client only ever sees `internal_error`.
                tracing::error!(error.chain = %format!("{cause:#}"), "request failed");
            }
            Some(err.render(lang, request_id.clone()))
        }
        // Errors raised by actix itself or by a mounted service (e.g. the docs UI).
        None if is_error(response.status()) && !is_problem(&response) => {
            Some(ApiError::from_status(response.status()).render(lang, request_id.clone()))
        }
        None => None,
    };
    if let Some(rendered) = rendered {
        let kept_headers: Vec<_> = response
            .headers()
            .iter()
            .filter(|(name, _)| {
                **name == actix_web::http::header::WWW_AUTHENTICATE
                    || **name == actix_web::http::header::RETRY_AFTER
            })
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        response = rendered;
        for (name, value) in kept_headers {
            response.headers_mut().insert(name, value);
        }
    }
    log_completion(response.status());
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    Ok(ServiceResponse::new(req, response))
}

/// One line per request, inside the request's span (so it carries the request id). Successes
/// log at debug: at tens of thousands of requests a second, info-level access logs cost
/// measurable throughput.
fn log_completion(status: StatusCode) {
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), "request answered");
    } else if status.is_client_error() {
        tracing::info!(status = status.as_u16(), "request answered");
    } else {
        tracing::debug!(status = status.as_u16(), "request answered");
    }
}

fn is_error(status: StatusCode) -> bool {
    status.is_client_error() || status.is_server_error()
}

fn is_problem(response: &actix_web::HttpResponse) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

//! Response middleware: every error answers as problem+json in the caller's language, carrying
//! the request id, every 5xx writes its cause chain to the log once, and every response
//! carries `X-Request-Id`.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use gangonghui_openapi::PROBLEM_JSON;

use crate::http::ApiError;
use crate::http::access_log::ProblemCode;
use crate::http::i18n::Lang;
use crate::http::request_id::RequestId;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub async fn problem_details(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_headers(req.headers());
    let request_id = RequestId::of(&req);
    // No resource's path holds U+0000; answered here, before any lookup reaches the database.
    let (req, mut response) = if req.path().contains("%00") {
        let (req, _) = req.into_parts();
        (req, ApiError::NotFound.render(lang, request_id.clone()))
    } else {
        next.call(req).await?.map_into_boxed_body().into_parts()
    };

    let api_error = response.error().and_then(|e| e.as_error::<ApiError>());
    if response.status().is_server_error() {
        log_failure(api_error, response.error());
    }
    let rendered = match api_error {
        Some(err) => Some((err.render(lang, request_id.clone()), err.answer().code)),
        // Errors raised by actix itself or by a mounted service (e.g. the docs UI).
        None if is_error(response.status()) && !is_problem(&response) => {
            let err = ApiError::from_status(response.status());
            Some((err.render(lang, request_id.clone()), err.answer().code))
        }
        None => None,
    };
    if let Some((rendered, code)) = rendered {
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
        response.extensions_mut().insert(ProblemCode(code));
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    Ok(ServiceResponse::new(req, response))
}

/// The one line a 5xx writes besides its request line: the whole cause chain, inside the
/// request's span (so it carries the request id). The client only ever sees `internal_error`.
fn log_failure(api_error: Option<&ApiError>, raw: Option<&Error>) {
    let chain = match (api_error, raw) {
        (Some(err), _) => cause_chain(err),
        (None, Some(err)) => err.to_string(),
        (None, None) => "no error attached to the response".to_owned(),
    };
    let code = api_error.map(|e| e.answer().code);
    tracing::error!(error.chain = %chain, code, "request failed");
}

/// `outer: cause: root cause`, following `source()` to the end.
pub fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
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

//! The root span of each request, whose fields every log line inside it carries. Unlike the
//! default builder it takes the client address and the request id only as far as trusted
//! proxies vouch for them (a client's own `X-Forwarded-For` or `X-Request-Id` is just a claim),
//! logs the path without its query (a query can carry a phone number), and escapes the
//! `User-Agent` so a crafted header cannot forge lines.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::web::Data;
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId as GeneratedId, RootSpanBuilder};

use super::request_id::RequestId;
use crate::auth::client::client_ip;
use crate::state::AppState;

/// Longest `User-Agent` prefix logged, in characters.
const USER_AGENT_LOGGED: usize = 256;

pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let trusted = request
            .app_data::<Data<AppState>>()
            .map(|state| state.settings.trusted_proxies.clone())
            .unwrap_or_default();
        let client_ip = client_ip(
            request.peer_addr().map(|a| a.ip()),
            request.headers(),
            &trusted,
        )
        .map(|ip| ip.to_string())
        .unwrap_or_default();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .map(|v| escaped(v.as_bytes()))
            .unwrap_or_default();
        let generated = request.extensions().get::<GeneratedId>().copied();
        let request_id = RequestId::assign(
            request.peer_addr().map(|a| a.ip()),
            request.headers(),
            &trusted,
            || generated.map(|id| id.to_string()).unwrap_or_default(),
        );
        request.extensions_mut().insert(request_id.clone());
        tracing::info_span!(
            "HTTP request",
            request_id = request_id.as_str(),
            http.method = %request.method(),
            http.route = request.match_pattern().unwrap_or_else(|| "default".into()),
            http.target = escaped(request.path().as_bytes()),
            http.client_ip = client_ip,
            http.user_agent = user_agent,
            http.status_code = Empty,
            otel.status_code = Empty,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The text with every control, quote and non-printing character escaped (`\n`, `\u{1b}`), cut
/// to [`USER_AGENT_LOGGED`] characters: one log line stays one line, and a terminal reading the
/// log runs no escape sequences.
pub fn escaped(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .chars()
        .take(USER_AGENT_LOGGED)
        .flat_map(char::escape_debug)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn a_header_cannot_start_a_new_log_line_or_send_terminal_codes() {
        let forged = escaped(b"curl\n2026-12-03T00:00:00Z  INFO forged=1\x1b[2J\"");
        assert!(
            !forged.contains('\n') && !forged.contains('\u{1b}'),
            "{forged}"
        );
        assert!(forged.contains("\\n") && forged.contains("\\u{1b}") && forged.contains("\\\""));
        assert_eq!(escaped("王师傅/1.0".as_bytes()), "王师傅/1.0");
        assert_eq!(escaped(&[b'a'; 1000]).len(), super::USER_AGENT_LOGGED);
    }
}

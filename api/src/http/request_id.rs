//! The id that ties a request's log lines, its problem body, its audit records and the load
//! balancer's own logs together. The balancer's `X-Request-Id` is taken only from a trusted
//! proxy (`GGH_TRUSTED_PROXIES`): from anyone else it is a claim that could forge or collide
//! with another request's id, and a generated one is used instead.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

use super::middleware::REQUEST_ID_HEADER;

/// Longest id taken from a proxy; longer ones are replaced (they would only bloat every line).
const LONGEST: usize = 128;

/// This request's id, in the request's extensions from the start of its root span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// The proxy's id when `peer` is a trusted proxy and the id is well-formed, else `generated`.
    pub fn assign(
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        trusted: &[IpNet],
        generated: impl FnOnce() -> String,
    ) -> RequestId {
        let from_proxy = peer
            .filter(|ip| trusted.iter().any(|net| net.contains(ip)))
            .and_then(|_| headers.get(REQUEST_ID_HEADER))
            .and_then(|v| v.to_str().ok())
            .filter(|v| well_formed(v));
        RequestId(from_proxy.map_or_else(generated, str::to_owned).into())
    }

    /// The id of the request these extensions belong to.
    pub fn of(req: &impl HttpMessage) -> Option<String> {
        req.extensions()
            .get::<RequestId>()
            .map(|id| id.0.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Printable ASCII without spaces, quotes or backslashes: safe in a header, a log line and a
/// JSON body as it is.
fn well_formed(id: &str) -> bool {
    (1..=LONGEST).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=@".contains(&b))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn assigned(peer: &str, header: Option<&str>) -> String {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        if let Some(value) = header {
            headers.insert(REQUEST_ID_HEADER, HeaderValue::from_str(value).unwrap());
        }
        let id = RequestId::assign(peer.parse().ok(), &headers, &trusted, || "generated".into());
        id.as_str().to_owned()
    }

    #[test]
    fn only_a_trusted_proxy_names_the_request() {
        assert_eq!(assigned("10.0.0.2", Some("lb-7f3a-01")), "lb-7f3a-01");
        assert_eq!(assigned("203.0.113.9", Some("lb-7f3a-01")), "generated");
        assert_eq!(assigned("10.0.0.2", None), "generated");
        for bad in ["two words", "quote\"d", "", &"x".repeat(LONGEST + 1)] {
            assert_eq!(assigned("10.0.0.2", Some(bad)), "generated", "{bad}");
        }
    }
}

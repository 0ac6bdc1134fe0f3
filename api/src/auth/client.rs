//! Who is calling, below the user: the real client IP (from `X-Forwarded-For` only when the peer
//! is a trusted proxy) and, for the WeChat mini-program's server, a verified request signature.
//!
//! The proxy signs `METHOD \n PATH?QUERY \n TIMESTAMP \n NONCE \n hex(sha256(body))` with
//! HMAC-SHA256 under its secret, in `X-Client-Id`, `X-Timestamp`, `X-Nonce`, `X-Signature`.
//! Stale timestamps (over 5 minutes) and reused nonces are refused. The proxy still passes the
//! member's own bearer token: it is never trusted to say who the member is.

use std::net::IpAddr;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{BytesMut, Data};
use actix_web::{Error, HttpMessage, HttpResponse};
use futures_util::StreamExt;
use gangonghui_persistence::nonces;
use ipnet::IpNet;

use super::AuthError;
use crate::crypto::{hmac_verify_hex, sha256_hex};
use crate::http::ApiError;
use crate::state::AppState;

/// Requests signed longer ago than this (or this far in the future) are refused.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// How long a used nonce is kept: a request stamped up to the skew ahead of the server's clock
/// stays acceptable by its timestamp until twice the skew after its nonce was seen.
pub const NONCE_RETENTION_SECS: i64 = 2 * MAX_CLOCK_SKEW_SECS;
/// Largest body a signed request may carry.
const SIGNED_BODY_LIMIT: usize = crate::http::JSON_LIMIT;

/// The client's address as far as trusted proxies vouch for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Set when the request carried a valid signature of the configured mini-program client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedClient {
    pub client_id: String,
}

pub async fn client_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let peer = req.peer_addr().map(|a| a.ip());
    if let Some(ip) = client_ip(peer, req.headers(), &state.settings.trusted_proxies) {
        req.extensions_mut().insert(ClientIp(ip));
    }
    if !req.headers().contains_key("x-client-id") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let (http_req, mut payload) = req.into_parts();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > SIGNED_BODY_LIMIT {
            let err = ApiError::PayloadTooLarge {
                limit: SIGNED_BODY_LIMIT,
            };
            return Ok(ServiceResponse::new(
                http_req,
                HttpResponse::from_error(err),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    match verify_signature(&state, &http_req, &body).await {
        Ok(client) => {
            http_req.extensions_mut().insert(client);
            let req = ServiceRequest::from_parts(http_req, actix_web::dev::Payload::from(body));
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Err(err) => Ok(ServiceResponse::new(
            http_req,
            HttpResponse::from_error(err),
        )),
    }
}

async fn verify_signature(
    state: &AppState,
    req: &actix_web::HttpRequest,
    body: &[u8],
) -> Result<VerifiedClient, ApiError> {
    let now = state.clock.now();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let invalid = || ApiError::from(AuthError::ClientSignatureInvalid);
    let (Some(client_id), Some(timestamp), Some(nonce), Some(signature)) = (
        header("x-client-id"),
        header("x-timestamp"),
        header("x-nonce"),
        header("x-signature"),
    ) else {
        return Err(invalid());
    };
    let Some((expected_id, secret)) = &state.settings.miniprogram_client else {
        return Err(invalid());
    };
    let well_formed_nonce = (16..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now.timestamp() - t).abs() <= MAX_CLOCK_SKEW_SECS);
    if client_id != *expected_id || !well_formed_nonce || !fresh {
        return Err(invalid());
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or(req.path(), |pq| pq.as_str());
    let body_hash = sha256_hex(body);
    let parts: [&[u8]; 9] = [
        req.method().as_str().as_bytes(),
        b"\n",
        path.as_bytes(),
        b"\n",
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        body_hash.as_bytes(),
    ];
    if !hmac_verify_hex(secret.expose().as_bytes(), &parts, &signature) {
        return Err(invalid());
    }
    // Only a correctly signed request spends its nonce, so garbage cannot fill the table.
    let (id, n) = (client_id.clone(), nonce);
    let first_use = state
        .db(move |conn| Ok(nonces::remember(conn, &id, &n, now.naive_utc())?))
        .await?;
    if !first_use {
        return Err(invalid());
    }
    Ok(VerifiedClient { client_id })
}

/// The client's address from the peer and every `X-Forwarded-For` line, in order: a proxy may
/// add its own line rather than append to the client's, and reading only the first line would
/// then believe the client.
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &actix_web::http::header::HeaderMap,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let forwarded: Vec<String> = headers
        .get_all("x-forwarded-for")
        .map(|line| String::from_utf8_lossy(line.as_bytes()).into_owned())
        .collect();
    real_ip(peer, Some(&forwarded.join(",")), trusted)
}

/// The right-most address in `X-Forwarded-For` that is not a trusted proxy, when the peer itself
/// is trusted; otherwise the peer. Entries a client wrote itself sit to the left and are ignored.
pub fn real_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = forwarded_for
        .unwrap_or("")
        .split(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect();
    Some(
        hops.iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .copied()
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::{client_ip, real_ip};
    use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| Some(s.parse().unwrap());
        // Straight from the internet: the header is the caller's own claim.
        assert_eq!(
            real_ip(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // Through the load balancer: the right-most untrusted hop.
        assert_eq!(
            real_ip(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            real_ip(ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.9"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(real_ip(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        assert_eq!(
            real_ip(ip("10.0.0.2"), Some("garbage"), &trusted),
            ip("10.0.0.2")
        );
    }

    /// A client that sends its own `X-Forwarded-For` line next to the proxy's must not win by
    /// header order: all lines are one list, read right to left.
    #[test]
    fn every_forwarded_for_line_counts() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        let name = HeaderName::from_static("x-forwarded-for");
        headers.append(name.clone(), HeaderValue::from_static("1.2.3.4"));
        headers.append(name, HeaderValue::from_static("198.51.100.7"));
        let peer = Some("10.0.0.2".parse().unwrap());
        assert_eq!(
            client_ip(peer, &headers, &trusted),
            Some("198.51.100.7".parse().unwrap())
        );
    }
}

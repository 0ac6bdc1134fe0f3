//! What call sites record, one function per fact. Each takes only values from fixed sets (see
//! [`super::names`]), so no caller can put a client's data into a label by accident.

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use metrics::{counter, histogram};

use super::names::*;

/// One answered HTTP request.
pub fn http_request(method: &Method, route: &str, status: StatusCode, elapsed: Duration) {
    let method = method_label(method);
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.to_owned(),
        "status" => status.as_u16().to_string())
    .increment(1);
    histogram!(HTTP_REQUEST_DURATION, "method" => method, "route" => route.to_owned())
        .record(elapsed.as_secs_f64());
}

/// The method as a label: the standard ones by name, anything else as `other` (a client can
/// invent methods).
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("other", |(_, name)| name)
}

/// A cache read: `Ok(true)` a hit, `Ok(false)` a miss, `Err(())` a failure.
pub fn cache_lookup(outcome: Result<bool, ()>) {
    let result = match outcome {
        Ok(true) => "hit",
        Ok(false) => "miss",
        Err(()) => "error",
    };
    counter!(CACHE_LOOKUPS, "result" => result).increment(1);
}

/// A cache call that failed (the caller falls back to the database).
pub fn cache_error(op: &'static str) {
    counter!(CACHE_ERRORS, "op" => op).increment(1);
}

/// A redemption that was committed (not a replay of a stored answer).
pub fn redeemed(original_fen: i64, discount_fen: i64) {
    counter!(REDEMPTIONS).increment(1);
    counter!(REDEMPTION_ORIGINAL_FEN).increment(fen(original_fen));
    counter!(REDEMPTION_DISCOUNT_FEN).increment(fen(discount_fen));
}

/// A reversal that was committed (not a replay of a stored answer).
pub fn reversed(original_fen: i64, discount_fen: i64) {
    counter!(REVERSALS).increment(1);
    counter!(REVERSAL_ORIGINAL_FEN).increment(fen(original_fen));
    counter!(REVERSAL_DISCOUNT_FEN).increment(fen(discount_fen));
}

/// Amounts are never negative (the domain's `Fen` refuses it); a counter can only grow.
fn fen(amount: i64) -> u64 {
    u64::try_from(amount).unwrap_or(0)
}

/// A counter code check: `ok` or the problem code it was refused with.
pub fn verification(outcome: &'static str) {
    counter!(VERIFICATIONS, "outcome" => outcome).increment(1);
}

/// A one-time code handed to the SMS provider.
pub fn otp_send(provider: &'static str, outcome: &'static str) {
    counter!(OTP_SENDS, "provider" => provider, "outcome" => outcome).increment(1);
}

/// A request refused by the limit of this name.
pub fn rate_limit_refused(limit: &'static str) {
    counter!(RATE_LIMIT_REFUSALS, "limit" => limit).increment(1);
}

/// A legal-aid case moved (`from` is `none` for a new case).
pub fn legal_aid_moved(from: &'static str, to: &'static str) {
    counter!(LEGAL_AID_TRANSITIONS, "from" => from, "to" => to).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&invented), "other");
        assert_eq!(fen(-5), 0);
    }
}

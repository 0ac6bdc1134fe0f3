//! Every metric the API exports, with its labels and help text. README's metrics table and the
//! integration test read from this list; a new metric is added here first.
//!
//! Label values always come from fixed sets (route templates, status codes, limit names, problem
//! codes, case states): never a path, phone, id or other value a client chooses, which would
//! both leak data and grow the series without bound.

use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram};

/// Requests answered; labels `method`, `route` (the matched template such as
/// `/api/v1/merchant/redemptions/{id}/reverse`, or `unmatched`), `status`.
pub const HTTP_REQUESTS: &str = "ggh_http_requests_total";
/// Time from the request reaching the middleware to its response; labels `method`, `route`.
pub const HTTP_REQUEST_DURATION: &str = "ggh_http_request_duration_seconds";

/// Pooled database connections, label `state`: `in_use` or `idle` (sampled at each scrape).
pub const DB_POOL_CONNECTIONS: &str = "ggh_db_pool_connections";
/// The most connections the pool opens.
pub const DB_POOL_MAX: &str = "ggh_db_pool_max_connections";
/// Checkouts waiting for a connection right now.
pub const DB_POOL_WAITING: &str = "ggh_db_pool_waiting";
/// Database jobs waiting to be let onto the blocking pool (at most one per pooled connection
/// runs there at once; the rest queue here, not in the blocking pool).
pub const DB_JOBS_WAITING: &str = "ggh_db_jobs_waiting";
/// Database jobs running on the blocking pool.
pub const DB_JOBS_RUNNING: &str = "ggh_db_jobs_running";

/// Cache reads, label `result`: `hit`, `miss` or `error` (an error is served by the database).
pub const CACHE_LOOKUPS: &str = "ggh_cache_lookups_total";
/// Failed cache calls of any kind, label `op`: `get`, `set`, `delete`, `set_if_absent`, `incr`.
pub const CACHE_ERRORS: &str = "ggh_cache_errors_total";
/// 1 while the Redis circuit breaker holds Redis as failed (calls fall back to the database and
/// Redis is retried about once a second), else 0. Always 0 for the in-process cache.
pub const CACHE_BREAKER_OPEN: &str = "ggh_cache_breaker_open";

/// Redemptions recorded (idempotent replays not counted again).
pub const REDEMPTIONS: &str = "ggh_redemptions_total";
/// Sum of the recorded redemptions' original amounts, in fen.
pub const REDEMPTION_ORIGINAL_FEN: &str = "ggh_redemption_original_fen_total";
/// Sum of the recorded redemptions' discounts, in fen.
pub const REDEMPTION_DISCOUNT_FEN: &str = "ggh_redemption_discount_fen_total";
/// Reversals recorded.
pub const REVERSALS: &str = "ggh_reversals_total";
/// Sum of the reversed redemptions' original amounts, in fen.
pub const REVERSAL_ORIGINAL_FEN: &str = "ggh_reversal_original_fen_total";
/// Sum of the discounts given back by reversals, in fen.
pub const REVERSAL_DISCOUNT_FEN: &str = "ggh_reversal_discount_fen_total";
/// Counter code checks, label `outcome`: `ok` or the problem code (`code.invalid`,
/// `card.frozen`, `rate_limited`, ...).
pub const VERIFICATIONS: &str = "ggh_verifications_total";

/// One-time codes handed to the SMS provider, labels `provider` (`log`, `outbox`, `http`) and
/// `outcome` (`sent`, `outbox_error`, `gateway_error`, `gateway_refused`).
pub const OTP_SENDS: &str = "ggh_otp_sends_total";
/// Requests refused by a rate limit, label `limit`: the limit's name (`login-phone-ip`,
/// `counter-card`, `otp-cooldown`, ...).
pub const RATE_LIMIT_REFUSALS: &str = "ggh_rate_limit_refusals_total";
/// Legal-aid case moves, labels `from` (`none` for a new case) and `to`.
pub const LEGAL_AID_TRANSITIONS: &str = "ggh_legal_aid_transitions_total";

/// Every name above, for the docs and the test that scrapes them.
pub const ALL: &[&str] = &[
    HTTP_REQUESTS,
    HTTP_REQUEST_DURATION,
    DB_POOL_CONNECTIONS,
    DB_POOL_MAX,
    DB_POOL_WAITING,
    DB_JOBS_WAITING,
    DB_JOBS_RUNNING,
    CACHE_LOOKUPS,
    CACHE_ERRORS,
    CACHE_BREAKER_OPEN,
    REDEMPTIONS,
    REDEMPTION_ORIGINAL_FEN,
    REDEMPTION_DISCOUNT_FEN,
    REVERSALS,
    REVERSAL_ORIGINAL_FEN,
    REVERSAL_DISCOUNT_FEN,
    VERIFICATIONS,
    OTP_SENDS,
    RATE_LIMIT_REFUSALS,
    LEGAL_AID_TRANSITIONS,
];

/// Registers the help text Prometheus shows (`# HELP` lines).
pub(super) fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "HTTP request latency, by method and route template"
    );
    describe_gauge!(
        DB_POOL_CONNECTIONS,
        "Pooled database connections, in use or idle"
    );
    describe_gauge!(DB_POOL_MAX, "Most connections the database pool opens");
    describe_gauge!(
        DB_POOL_WAITING,
        "Checkouts waiting for a database connection"
    );
    describe_gauge!(
        DB_JOBS_WAITING,
        "Database jobs waiting to be admitted to the blocking pool"
    );
    describe_gauge!(
        DB_JOBS_RUNNING,
        "Database jobs running on the blocking pool"
    );
    describe_counter!(CACHE_LOOKUPS, "Cache reads by result: hit, miss or error");
    describe_counter!(CACHE_ERRORS, "Failed cache calls by operation");
    describe_gauge!(
        CACHE_BREAKER_OPEN,
        "1 while the Redis circuit breaker holds Redis as failed"
    );
    describe_counter!(REDEMPTIONS, "Redemptions recorded");
    describe_counter!(
        REDEMPTION_ORIGINAL_FEN,
        "Original amounts of recorded redemptions, in fen"
    );
    describe_counter!(
        REDEMPTION_DISCOUNT_FEN,
        "Discounts of recorded redemptions, in fen"
    );
    describe_counter!(REVERSALS, "Reversals recorded");
    describe_counter!(
        REVERSAL_ORIGINAL_FEN,
        "Original amounts of reversed redemptions, in fen"
    );
    describe_counter!(
        REVERSAL_DISCOUNT_FEN,
        "Discounts given back by reversals, in fen"
    );
    describe_counter!(VERIFICATIONS, "Counter code checks by outcome");
    describe_counter!(
        OTP_SENDS,
        "One-time codes handed to the SMS provider, by provider and outcome"
    );
    describe_counter!(
        RATE_LIMIT_REFUSALS,
        "Requests refused by a rate limit, by limit name"
    );
    describe_counter!(
        LEGAL_AID_TRANSITIONS,
        "Legal-aid case moves by from and to state"
    );
}

/// Creates, at 0, the series whose labels are known in advance: a series that is absent until
/// its first event reads as "no data" rather than "none happened", and `rate()` misses the
/// first one.
pub(super) fn start_at_zero() {
    for name in [
        REDEMPTIONS,
        REDEMPTION_ORIGINAL_FEN,
        REDEMPTION_DISCOUNT_FEN,
        REVERSALS,
        REVERSAL_ORIGINAL_FEN,
        REVERSAL_DISCOUNT_FEN,
    ] {
        counter!(name).increment(0);
    }
    for result in ["hit", "miss", "error"] {
        counter!(CACHE_LOOKUPS, "result" => result).increment(0);
    }
    for op in ["get", "set", "delete", "set_if_absent", "incr"] {
        counter!(CACHE_ERRORS, "op" => op).increment(0);
    }
}

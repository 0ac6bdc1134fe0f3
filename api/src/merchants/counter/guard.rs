//! Brute-force protection at the counter. A counter code is 6 digits behind a card number; an
//! unlimited counter guessed one in about two minutes.
//!
//! - Per card, atomic: each distinct code presented for a card takes one of its 10 tries before
//!   it is judged (a retry of the same code takes none: it learns nothing new), and a right code
//!   gives its try back. Parallel guesses meet the limit exactly; then the card takes no new
//!   codes for the window.
//! - Per staff login or POS key and per merchant: wrong codes are counted after they are judged
//!   and refused once over the cap. Counting these first would refuse a busy counter's bursts of
//!   right codes; what a burst of wrong ones can overshoot is bounded by the per-card limit.
//!
//! Over a limit: 429 with `Retry-After` and `RateLimit` headers, and a warning in the log. The
//! counts are shared by every replica through Redis, and kept per process while it is down.

use std::time::Duration;

use crate::auth::rate_limit::Limit;
use crate::cards::codes;
use crate::http::ApiError;
use crate::merchants::MerchantStaff;
use crate::state::AppState;

/// Wrong codes one card may meet, at any merchants, before it locks for new codes.
pub const CARD_WRONG_CODES: Limit = Limit {
    name: "counter-card",
    max: 10,
    window: Duration::from_secs(15 * 60),
};
/// Wrong codes one merchant's counters may send.
pub const MERCHANT_WRONG_CODES: Limit = Limit {
    name: "counter-merchant",
    max: 60,
    window: Duration::from_secs(10 * 60),
};
/// Wrong codes one staff login or POS key may send.
pub const ACTOR_WRONG_CODES: Limit = Limit {
    name: "counter-actor",
    max: 30,
    window: Duration::from_secs(10 * 60),
};

/// One counter attempt: what it took, to give back if its code was right.
pub struct Attempt {
    card_try: Option<String>,
    caps: [(Limit, String); 2],
}

impl Attempt {
    pub async fn begin(
        state: &AppState,
        staff: &MerchantStaff,
        code: &str,
    ) -> Result<Attempt, ApiError> {
        let actor = match &staff.api_key_id {
            Some(key) => format!("key:{key}"),
            None => format!("staff:{}", staff.account_id),
        };
        let caps = [
            (MERCHANT_WRONG_CODES, staff.merchant_id.to_string()),
            (ACTOR_WRONG_CODES, actor),
        ];
        for (limit, subject) in &caps {
            if let Err(refused) = limit.check(&state.counters, subject).await {
                tracing::warn!(limit = limit.name, merchant = %staff.merchant_id, "counter wrong-code cap reached");
                return Err(refused.into());
            }
        }
        let mut attempt = Attempt {
            card_try: None,
            caps,
        };
        let Ok(presented) = codes::parse(code) else {
            return Ok(attempt);
        };
        let card = presented.card_no.as_str().to_owned();
        let seen = format!("counter-seen:{card}:{code}");
        let window = CARD_WRONG_CODES.window;
        let first_time = state.counters.first_time(&seen, window).await;
        if first_time {
            if let Err(refused) = CARD_WRONG_CODES.take(&state.counters, &card).await {
                // Not judged, so not seen: retrying it must take a try like any new guess.
                state.counters.forget(&seen).await;
                tracing::warn!(merchant = %staff.merchant_id, "counter: a card met its wrong-code limit");
                return Err(refused.into());
            }
            attempt.card_try = Some(card);
        }
        Ok(attempt)
    }

    /// A wrong code (`code.invalid`, `code.expired`) keeps its card try and counts against the
    /// caps; anything else gives the try back.
    pub async fn settle(self, state: &AppState, answered_code: Option<&str>) {
        if answered_code.is_some_and(is_wrong_code) {
            for (limit, subject) in &self.caps {
                let _ = limit.hit(&state.counters, subject).await;
            }
        } else if let Some(card) = &self.card_try {
            CARD_WRONG_CODES.refund(&state.counters, card).await;
        }
    }
}

fn is_wrong_code(code: &str) -> bool {
    matches!(code, "code.invalid" | "code.expired")
}

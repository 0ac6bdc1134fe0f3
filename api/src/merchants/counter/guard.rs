//! Brute-force protection at the counter. A counter code is 6 digits behind a card number; an
//! unlimited counter guessed one in about two minutes.
//!
//! - Per card: each distinct code presented for a card in a time step takes one of its 10 tries
//!   before it is judged (the same code again in the same step takes none: it learns nothing
//!   new; in a later step it is a new guess), and a right code gives its try back. Then the card
//!   takes no new codes for the window.
//! - Per staff login or POS key and per merchant: every new code (as above: a retry of the same
//!   code is not new) takes a try before it is judged and a code that was not wrong gives it
//!   back, so parallel bursts across many cards meet the caps exactly (they were once peeked
//!   first and counted after: 300 at once all passed). The price: codes being judged count too,
//!   so one login or key cannot have more than 30 new codes in flight at once (a merchant 60).
//!
//! Over a limit: 429 with `Retry-After` and `RateLimit` headers, and a warning in the log. The
//! counts are shared by every replica through Redis, and kept per process while it is down.

use std::time::Duration;

use crate::auth::rate_limit::Limit;
use crate::cards::codes;
use crate::http::ApiError;
use crate::merchants::MerchantStaff;
use crate::state::AppState;
use gangonghui_domain::totp::step_at;

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
    caps_taken: bool,
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
        let mut attempt = Attempt {
            card_try: None,
            caps_taken: false,
            caps: [
                (MERCHANT_WRONG_CODES, staff.merchant_id.to_string()),
                (ACTOR_WRONG_CODES, actor),
            ],
        };
        let Ok(presented) = codes::parse(code) else {
            attempt.take_caps(state, staff).await?;
            return Ok(attempt);
        };
        let card = presented.card_no.as_str().to_owned();
        let step = step_at(state.clock.now().timestamp());
        let seen = format!("counter-seen:{card}:{:06}:{step}", presented.otp);
        if !state
            .counters
            .first_time(&seen, CARD_WRONG_CODES.window)
            .await
        {
            // The same code again in the same step (a retry) learns nothing new: no try taken.
            return Ok(attempt);
        }
        if let Err(refused) = attempt.take_caps(state, staff).await {
            // Not judged, so not seen: retrying it must take a try like any new guess.
            state.counters.forget(&seen).await;
            return Err(refused);
        }
        if let Err(refused) = CARD_WRONG_CODES.take(&state.counters, &card).await {
            state.counters.forget(&seen).await;
            attempt.give_back_caps(state).await;
            tracing::warn!(merchant = %staff.merchant_id, "counter: a card met its wrong-code limit");
            return Err(refused.into());
        }
        attempt.card_try = Some(card);
        Ok(attempt)
    }

    async fn take_caps(&mut self, state: &AppState, staff: &MerchantStaff) -> Result<(), ApiError> {
        for (taken, (limit, subject)) in self.caps.iter().enumerate() {
            if let Err(refused) = limit.take(&state.counters, subject).await {
                for (earlier, subject) in self.caps.iter().take(taken) {
                    earlier.refund(&state.counters, subject).await;
                }
                tracing::warn!(limit = limit.name, merchant = %staff.merchant_id, "counter wrong-code cap reached");
                return Err(refused.into());
            }
        }
        self.caps_taken = true;
        Ok(())
    }

    /// A wrong code (`code.invalid`, `code.expired`) keeps what it took; anything else gives
    /// its card try and its caps' counts back.
    pub async fn settle(self, state: &AppState, answered_code: Option<&str>) {
        if answered_code.is_some_and(is_wrong_code) {
            return;
        }
        self.give_back_caps(state).await;
        if let Some(card) = &self.card_try {
            CARD_WRONG_CODES.refund(&state.counters, card).await;
        }
    }

    async fn give_back_caps(&self, state: &AppState) {
        if !self.caps_taken {
            return;
        }
        for (limit, subject) in &self.caps {
            limit.refund(&state.counters, subject).await;
        }
    }
}

fn is_wrong_code(code: &str) -> bool {
    matches!(code, "code.invalid" | "code.expired")
}

//! Counter codes (动态码): RFC 6238 TOTP from the card's secret, 30-second steps, accepted one step
//! either side, and spent by one redemption on any replica (the spend is a database row).
//!
//! `code` is what a cashier can type: the 16-digit card number then the 6-digit one-time part
//! (22 digits). `qr_payload` is `GGH1:` + the same digits; the version prefix lets the format
//! change without misreading old codes. A counter may send either.

use chrono::{DateTime, TimeZone, Utc};
use gangonghui_domain::card::{CardNo, CardStatus};
use gangonghui_domain::totp::{STEP_SECS, WINDOW, code_at, matching_step, step_at};
use gangonghui_persistence::DbConn;
use gangonghui_persistence::accounts::AccountRow;
use gangonghui_persistence::cards::{self, CardRow};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::auth::Authenticated;
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::membership::MemberError;
use crate::state::AppState;

pub const QR_PREFIX: &str = "GGH1:";
/// How far back an unmatched code is still recognised as "expired" rather than "invalid".
const EXPIRED_LOOKBACK_STEPS: i64 = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterCode {
    pub code: String,
    pub qr_payload: String,
    pub expires_at: DateTime<Utc>,
}

/// A presented code: which card, and the one-time part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedCode {
    pub card_no: CardNo,
    pub otp: u32,
}

/// A code that matched a live card at a step not yet spent, with the card's holder.
#[derive(Debug, Clone)]
pub struct VerifiedCode {
    pub card: CardRow,
    pub holder: AccountRow,
    pub step: i64,
}

fn hmac_sha1(secret: &[u8]) -> impl Fn(&[u8; 8]) -> [u8; 20] + '_ {
    move |counter| {
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(counter);
        mac.finalize().into_bytes().into()
    }
}

fn secret_of(keys: &DataKeys, card: &CardRow) -> Result<Vec<u8>, ApiError> {
    let hex_secret = keys.decrypt(&card.secret_enc).map_err(ApiError::internal)?;
    hex::decode(hex_secret).map_err(ApiError::internal)
}

/// The one-time part for `step`.
pub fn otp_for(keys: &DataKeys, card: &CardRow, step: i64) -> Result<u32, ApiError> {
    let secret = secret_of(keys, card)?;
    Ok(code_at(step, hmac_sha1(&secret)))
}

pub fn format_code(card_no: &str, otp: u32) -> String {
    format!("{card_no}{otp:06}")
}

/// How a card that is not active is refused: `[frozen, lost, cancelled]`.
type Inactive = [MemberError; 3];

/// At the counter a lost card's codes fail at once, as unusable codes (422).
const AT_THE_COUNTER: Inactive = [
    MemberError::CardFrozen,
    MemberError::CardLost,
    MemberError::CardCancelled,
];

/// The member asking for their own card's code: the request is fine, the card's state
/// conflicts (409).
const OWN_CARD: Inactive = [
    MemberError::OwnCardFrozen,
    MemberError::OwnCardLost,
    MemberError::OwnCardCancelled,
];

fn ensure_active(card: &CardRow, [frozen, lost, cancelled]: Inactive) -> Result<(), ApiError> {
    match card.status {
        CardStatus::Active => Ok(()),
        CardStatus::Frozen => Err(frozen.into()),
        CardStatus::Lost => Err(lost.into()),
        CardStatus::Cancelled => Err(cancelled.into()),
    }
}

/// Accepts the 22-digit code or the QR payload.
pub fn parse(raw: &str) -> Result<PresentedCode, MemberError> {
    let digits = raw.trim().strip_prefix(QR_PREFIX).unwrap_or(raw.trim());
    if digits.len() != 22 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MemberError::CodeInvalid);
    }
    let (card_no, otp) = digits
        .split_at_checked(16)
        .ok_or(MemberError::CodeInvalid)?;
    let card_no = CardNo::parse(card_no).map_err(|_| MemberError::CodeInvalid)?;
    let otp = otp.parse().map_err(|_| MemberError::CodeInvalid)?;
    Ok(PresentedCode { card_no, otp })
}

/// The member's code to show now: the current step's, or the next one once the current is spent
/// (accepted at once through the one-step window).
pub async fn current(
    state: &AppState,
    auth: &Authenticated,
    now: DateTime<Utc>,
) -> Result<CounterCode, ApiError> {
    let (account, keys) = (auth.account_id.clone(), state.data_keys.clone());
    state
        .db(move |conn| {
            let card = cards::live_for(conn, &account)?.ok_or(MemberError::CardNotFound)?;
            ensure_active(&card, OWN_CARD)?;
            let now_step = step_at(now.timestamp());
            let spent = cards::spent_steps(conn, &card.id, now_step)?;
            let step = (now_step..=now_step + WINDOW)
                .find(|s| !spent.contains(s))
                .ok_or_else(|| {
                    let retry_after = ((now_step + 1) * STEP_SECS - now.timestamp()).max(1) as u64;
                    MemberError::CodesExhausted { retry_after }
                })?;
            let code = format_code(&card.card_no, otp_for(&keys, &card, step)?);
            let expires_at = Utc
                .timestamp_opt((step + 1) * STEP_SECS, 0)
                .single()
                .unwrap_or(now);
            Ok(CounterCode {
                qr_payload: format!("{QR_PREFIX}{code}"),
                code,
                expires_at,
            })
        })
        .await
}

/// The time step a one-time part matches on this card at `now`: card status first (a lost
/// card's codes fail at once), then the window. Whether the step is spent is the caller's
/// question.
pub fn matching(
    keys: &DataKeys,
    card: &CardRow,
    otp: u32,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let secret = secret_of(keys, card)?;
    let now_step = step_at(now.timestamp());
    let step = matching_step(otp, now_step, hmac_sha1(&secret)).ok_or_else(|| -> ApiError {
        let older = (now_step - EXPIRED_LOOKBACK_STEPS..now_step - WINDOW)
            .any(|s| code_at(s, hmac_sha1(&secret)) == otp);
        if older {
            MemberError::CodeExpired
        } else {
            MemberError::CodeInvalid
        }
        .into()
    })?;
    // Only a right code learns the card's state: a wrong one on a lost or frozen card answers as
    // any wrong code does.
    ensure_active(card, AT_THE_COUNTER)?;
    Ok(step)
}

/// Checks a presented code at `now` without spending it (one query: card, holder and the spent
/// steps of the window).
pub fn check(
    conn: &mut DbConn,
    keys: &DataKeys,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedCode, ApiError> {
    let presented = parse(raw)?;
    let (card, holder, spent) =
        cards::find_for_check(conn, presented.card_no.as_str(), window_at(now))?
            .ok_or(MemberError::CardNotFound)?;
    let step = unspent_step(keys, &card, presented.otp, now, &spent)?;
    Ok(VerifiedCode { card, holder, step })
}

/// The steps a code may match at `now`.
pub fn window_at(now: DateTime<Utc>) -> std::ops::RangeInclusive<i64> {
    let now_step = step_at(now.timestamp());
    now_step - WINDOW..=now_step + WINDOW
}

/// The step a one-time part matches at `now`, refused as used if it is among `spent`.
pub fn unspent_step(
    keys: &DataKeys,
    card: &CardRow,
    otp: u32,
    now: DateTime<Utc>,
    spent: &[i64],
) -> Result<i64, ApiError> {
    let step = matching(keys, card, otp, now)?;
    if spent.contains(&step) {
        return Err(MemberError::CodeUsed.into());
    }
    Ok(step)
}

/// Spends the step a one-time part matches on a card already read, inside the caller's
/// transaction; exactly one caller can spend it (the spend's primary key decides, so no separate
/// "is it spent" read is needed).
pub fn spend(
    conn: &mut DbConn,
    keys: &DataKeys,
    card: &CardRow,
    otp: u32,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let step = matching(keys, card, otp, now)?;
    if !cards::spend_code(conn, &card.id, step, now.naive_utc())? {
        return Err(MemberError::CodeUsed.into());
    }
    Ok(step)
}

/// Checks and spends a presented code inside the caller's transaction.
pub fn check_and_spend(
    conn: &mut DbConn,
    keys: &DataKeys,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedCode, ApiError> {
    let presented = parse(raw)?;
    // The spend's primary key decides; the spent steps this read also brings are not needed.
    let (card, holder, _) =
        cards::find_for_check(conn, presented.card_no.as_str(), window_at(now))?
            .ok_or(MemberError::CardNotFound)?;
    let step = spend(conn, keys, &card, presented.otp, now)?;
    Ok(VerifiedCode { card, holder, step })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 seed, truncated to our 6 digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight_digits) in [
            (59i64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
        ] {
            assert_eq!(
                code_at(step_at(time), hmac_sha1(secret)),
                eight_digits % 1_000_000,
                "T={time}"
            );
        }
    }

    #[test]
    fn codes_parse_from_either_form() {
        let no = CardNo::new(1, 17).unwrap();
        let code = format_code(no.as_str(), 42);
        assert_eq!(code.len(), 22);
        let parsed = parse(&code).unwrap();
        assert_eq!((parsed.card_no.clone(), parsed.otp), (no.clone(), 42));
        assert_eq!(parse(&format!("{QR_PREFIX}{code}")), Ok(parsed));
        for bad in [
            "",
            "123",
            &code[..21],
            &format!("{code}1"),
            &format!("GGH2:{code}"),
            &code.replacen('3', "4", 1),
        ] {
            assert_eq!(parse(bad), Err(MemberError::CodeInvalid), "{bad}");
        }
    }
}

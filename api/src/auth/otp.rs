//! One-time codes: sending (cooldown, daily cap, per-IP limit) and checking (five tries, single
//! use). The database holds the codes and their counters, so the limits hold without the cache.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::otp::{
    OTP_MAX_ATTEMPTS, OTP_MAX_SENDS_PER_DAY, OTP_RESEND_AFTER, OTP_TTL, OtpPurpose,
    is_well_formed_code,
};
use gangonghui_domain::time::{next_shanghai_day_start, shanghai_day_start};
use gangonghui_persistence::{DbConn, ids, otp, write_tx};

use super::AuthError;
use super::rate_limit::{OTP_CHECKS_PER_IP, OTP_CHECKS_PER_PHONE, OTP_SENDS_PER_IP};
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::metrics::record;
use crate::state::AppState;

pub struct OtpSent {
    pub expires_in: u64,
    pub resend_after: u64,
}

/// Sends a code. Answers the same whether or not an account uses the phone.
pub async fn send(
    state: &AppState,
    phone: Phone,
    purpose: OtpPurpose,
    ip: Option<IpAddr>,
) -> Result<OtpSent, ApiError> {
    let now = state.clock.now();
    if let Some(ip) = ip {
        OTP_SENDS_PER_IP
            .hit(&state.counters, &ip.to_string())
            .await?;
    }
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let hash = state
        .data_keys
        .otp_hash(phone.as_str(), purpose.as_str(), &code);
    let (number, ip_text) = (phone.as_str().to_owned(), ip.map(|i| i.to_string()));
    let id = state
        .db(move |conn| {
            write_tx(conn, |c| {
                if let Some(last) = otp::last_sent_at(c, &number, purpose.as_str())? {
                    let elapsed = (now.naive_utc() - last).num_seconds().max(0) as u64;
                    if elapsed < OTP_RESEND_AFTER.as_secs() {
                        return Ok(Err(AuthError::OtpCooldown {
                            retry_after: OTP_RESEND_AFTER.as_secs() - elapsed,
                        }));
                    }
                }
                if otp::sent_since(c, &number, shanghai_day_start(now).naive_utc())?
                    >= OTP_MAX_SENDS_PER_DAY
                {
                    let retry_after =
                        (next_shanghai_day_start(now) - now).num_seconds().max(1) as u64;
                    return Ok(Err(AuthError::OtpDailyLimit { retry_after }));
                }
                let id = ids::new_id();
                otp::insert(
                    c,
                    &otp::NewOtp {
                        id: &id,
                        phone: &number,
                        purpose: purpose.as_str(),
                        code_hash: &hash,
                        created_at: now.naive_utc(),
                        expires_at: (now + OTP_TTL).naive_utc(),
                        ip: ip_text.as_deref(),
                    },
                )?;
                Ok::<_, ApiError>(Ok(id))
            })
        })
        .await?
        .map_err(send_refused)?;
    if let Err(e) = state
        .sms
        .send(&phone, &code, purpose, state.clock.now())
        .await
    {
        tracing::error!(error = %e, "SMS delivery failed");
        state.db(move |conn| Ok(otp::delete(conn, &id)?)).await?;
        return Err(AuthError::SmsUnavailable.into());
    }
    Ok(OtpSent {
        expires_in: OTP_TTL.as_secs(),
        resend_after: OTP_RESEND_AFTER.as_secs(),
    })
}

/// A send refused by the limits kept with the codes, counted under the limit's name.
fn send_refused(refusal: AuthError) -> AuthError {
    record::rate_limit_refused(match refusal {
        AuthError::OtpCooldown { .. } => "otp-cooldown",
        AuthError::OtpDailyLimit { .. } => "otp-daily",
        _ => "otp-send",
    });
    refusal
}

/// Counts a code check against the per-phone-and-address and per-address limits (before the
/// database is asked). Not per phone alone: anyone could then spend a phone's checks and shut
/// its owner out of code login; each code's own five tries (in the database) bound the guesses
/// on the phone from everywhere.
pub async fn limit_checks(
    state: &AppState,
    phone: &Phone,
    ip: Option<IpAddr>,
) -> Result<(), AuthError> {
    let Some(ip) = ip else {
        return Ok(());
    };
    let phone_ip = format!("{}|{ip}", phone.as_str());
    OTP_CHECKS_PER_PHONE.hit(&state.counters, &phone_ip).await?;
    OTP_CHECKS_PER_IP
        .hit(&state.counters, &ip.to_string())
        .await
}

/// Checks and spends the latest code for `phone` and `purpose`, inside the caller's transaction.
/// A wrong guess is counted even though the request fails: the caller must commit
/// `Ok(Err(..))` and only then turn it into an error.
pub fn check(
    conn: &mut DbConn,
    keys: &DataKeys,
    phone: &Phone,
    purpose: OtpPurpose,
    code: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Result<(), AuthError>> {
    if !is_well_formed_code(code) {
        return Ok(Err(AuthError::OtpInvalid));
    }
    let Some(row) = otp::latest_open(conn, phone.as_str(), purpose.as_str())? else {
        return Ok(Err(AuthError::OtpInvalid));
    };
    if row.attempts >= OTP_MAX_ATTEMPTS {
        return Ok(Err(AuthError::OtpLocked));
    }
    if row.expires_at <= now.naive_utc() {
        return Ok(Err(AuthError::OtpInvalid));
    }
    let expected = keys.otp_hash(phone.as_str(), purpose.as_str(), code);
    if constant_time_eq(expected.as_bytes(), row.code_hash.as_bytes()) {
        return Ok(
            if otp::consume(conn, &row.id, now.naive_utc(), OTP_MAX_ATTEMPTS)? {
                Ok(())
            } else {
                Err(AuthError::OtpInvalid)
            },
        );
    }
    otp::add_attempt(conn, &row.id, OTP_MAX_ATTEMPTS)?;
    Ok(Err(AuthError::OtpInvalid))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! Password hashing with argon2id (OWASP parameters, the crate's defaults). A hash or verify costs
//! tens of milliseconds of CPU, so both run on the blocking pool, never on an async worker.

use std::sync::OnceLock;

use actix_web::web;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use crate::http::ApiError;

pub async fn hash(password: String) -> Result<String, ApiError> {
    web::block(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// Checks `password` against `stored`; with no stored hash (no such account, or no password set)
/// it still does the work against a dummy hash, so timing does not reveal which accounts exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    web::block(move || {
        let (hash, real) = match stored {
            Some(stored) => (stored, true),
            None => (dummy_hash().to_owned(), false),
        };
        let ok = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && real
    })
    .await
    .map_err(ApiError::internal)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"not-a-real-password-0")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

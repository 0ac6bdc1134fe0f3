//! Keyed and plain hashes: key derivation, HMACs in hex (checked in constant time), SHA-256.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A key for one purpose (`label`) derived from a master key.
pub(super) fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(master)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(label);
    mac.finalize().into_bytes().into()
}

pub fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of an HMAC given in hex.
pub fn hmac_verify_hex(key: &[u8], parts: &[&[u8]], expected_hex: &str) -> bool {
    let Ok(expected) = hex::decode(expected_hex) else {
        return false;
    };
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(&expected).is_ok()
}

/// SHA-256 in hex: how random bearer secrets (refresh tokens, API keys) are stored. They carry
/// 256 bits of entropy, so a fast hash is enough; only a password needs a slow one.
pub fn sha256_hex(value: &[u8]) -> String {
    hex::encode(Sha256::digest(value))
}

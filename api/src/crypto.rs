//! Keys for personal data at rest, derived from `GGH_DATA_KEY`: AES-256-GCM for ID numbers and
//! legal names, and keyed hashes (HMAC-SHA256) for blind indexes and one-time codes. Each use has
//! its own derived key, so no key serves two purposes.

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Nonce length of AES-GCM: 96 bits, random per message.
const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct DataKeys {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
    otp_key: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("GGH_DATA_KEY must be 64 hex characters")]
    BadKey,
    #[error("stored ciphertext is corrupt or was made with another key")]
    Undecryptable,
}

impl DataKeys {
    pub fn from_hex(hex_key: &str) -> Result<DataKeys, KeyError> {
        let master: [u8; 32] = hex::decode(hex_key)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(KeyError::BadKey)?;
        let enc = derive(&master, b"ggh/pii-encryption/v1");
        Ok(DataKeys {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(enc)),
            index_key: derive(&master, b"ggh/blind-index/v1"),
            otp_key: derive(&master, b"ggh/otp/v1"),
        })
    }

    /// `base64(nonce || ciphertext+tag)`, bound to nothing: ID numbers and legal names, sealed
    /// before values were bound to their rows. AES-GCM with empty associated data is exactly
    /// AES-GCM without, so these and [`DataKeys::seal`] share one implementation and every stored
    /// value still opens.
    pub fn encrypt(&self, plaintext: &str) -> String {
        self.seal(plaintext, "")
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, KeyError> {
        self.open(stored, "")
    }

    /// Seals `plaintext` bound to `binding` (the row and column it is stored in, e.g.
    /// `legal_aid_cases.description_enc:<id>`): `nonce || ciphertext+tag`. The binding is
    /// authenticated, not stored, so a ciphertext copied into another row or column fails to open.
    pub fn seal_bytes(&self, plaintext: &[u8], binding: &str) -> Vec<u8> {
        let nonce = Nonce::generate();
        let payload = Payload {
            msg: plaintext,
            aad: binding.as_bytes(),
        };
        // Encryption of an in-memory buffer with a valid key cannot fail.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(nonce.as_slice());
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open_bytes(&self, sealed: &[u8], binding: &str) -> Result<Vec<u8>, KeyError> {
        if sealed.len() < NONCE_LEN {
            return Err(KeyError::Undecryptable);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| KeyError::Undecryptable)?;
        let payload = Payload {
            msg: ciphertext,
            aad: binding.as_bytes(),
        };
        self.cipher
            .decrypt(&nonce, payload)
            .map_err(|_| KeyError::Undecryptable)
    }

    /// [`DataKeys::seal_bytes`] for text, in base64 for a text column.
    pub fn seal(&self, plaintext: &str, binding: &str) -> String {
        STANDARD.encode(self.seal_bytes(plaintext.as_bytes(), binding))
    }

    pub fn open(&self, stored: &str, binding: &str) -> Result<String, KeyError> {
        let bytes = STANDARD
            .decode(stored)
            .map_err(|_| KeyError::Undecryptable)?;
        String::from_utf8(self.open_bytes(&bytes, binding)?).map_err(|_| KeyError::Undecryptable)
    }

    /// A deterministic keyed hash: finds an equal value (e.g. the same ID number on two accounts)
    /// without decrypting anything, and reveals nothing without the key.
    pub fn blind_index(&self, value: &str) -> String {
        hmac_hex(&self.index_key, &[value.as_bytes()])
    }

    /// The stored form of a one-time code, bound to its phone and purpose.
    pub fn otp_hash(&self, phone: &str, purpose: &str, code: &str) -> String {
        hmac_hex(
            &self.otp_key,
            &[
                phone.as_bytes(),
                b"\0",
                purpose.as_bytes(),
                b"\0",
                code.as_bytes(),
            ],
        )
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> DataKeys {
        DataKeys::from_hex(&"7".repeat(64)).unwrap()
    }

    #[test]
    fn encryption_round_trips_with_a_fresh_nonce_each_time() {
        let keys = keys();
        let a = keys.encrypt("36010219900307123X");
        let b = keys.encrypt("36010219900307123X");
        assert_ne!(a, b, "random nonce");
        assert!(!a.contains("3601"));
        assert_eq!(keys.decrypt(&a).unwrap(), "36010219900307123X");
    }

    #[test]
    fn tampering_or_another_key_is_detected() {
        let sealed = keys().encrypt("王小明");
        let mut bytes = STANDARD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(keys().decrypt(&STANDARD.encode(bytes)).is_err());
        let other = DataKeys::from_hex(&"8".repeat(64)).unwrap();
        assert!(other.decrypt(&sealed).is_err());
    }

    /// Values stored before `encrypt` went through `seal` (plain AES-GCM, no associated data)
    /// must still open.
    #[test]
    fn values_encrypted_without_associated_data_still_decrypt() {
        let keys = keys();
        let nonce = Nonce::generate();
        let ciphertext = keys
            .cipher
            .encrypt(&nonce, b"36010219900307123X".as_slice())
            .unwrap();
        let stored = STANDARD.encode([nonce.as_slice(), &ciphertext].concat());
        assert_eq!(keys.decrypt(&stored).unwrap(), "36010219900307123X");
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_own_row_and_column() {
        let keys = keys();
        let sealed = keys.seal("拖欠工资三个月", "legal_aid_cases.description_enc:a");
        assert!(!sealed.contains("拖欠"));
        assert_eq!(
            keys.open(&sealed, "legal_aid_cases.description_enc:a")
                .unwrap(),
            "拖欠工资三个月"
        );
        assert!(
            keys.open(&sealed, "legal_aid_cases.description_enc:b")
                .is_err()
        );
        assert!(keys.open(&sealed, "legal_aid_messages.body_enc:a").is_err());
    }

    #[test]
    fn blind_indexes_are_deterministic_and_keyed() {
        let other = DataKeys::from_hex(&"8".repeat(64)).unwrap();
        assert_eq!(keys().blind_index("x"), keys().blind_index("x"));
        assert_ne!(keys().blind_index("x"), other.blind_index("x"));
        assert_ne!(
            keys().otp_hash("13800000000", "login", "123456"),
            keys().otp_hash("13800000000", "register", "123456")
        );
    }

    #[test]
    fn bad_master_keys_are_refused() {
        assert!(DataKeys::from_hex("abc").is_err());
        assert!(DataKeys::from_hex(&"z".repeat(64)).is_err());
    }
}

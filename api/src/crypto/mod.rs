//! Keys for personal data at rest, derived from `GGH_DATA_KEY`: AES-256-GCM for ID numbers,
//! legal names and case texts, and keyed hashes (HMAC-SHA256) for blind indexes and one-time
//! codes. Each use has its own derived key, so no key serves two purposes.
//!
//! Rotation without a flag day: every sealed value names the key that sealed it (a 4-byte key
//! id derived from the key, not the key), new values are sealed under `GGH_DATA_KEY`, and the
//! keys listed in `GGH_DATA_PREVIOUS_KEYS` still open what they sealed. Values sealed before key
//! ids existed carry none and are tried under every key. Blind indexes must stay comparable
//! across a rotation, so their key derives from `GGH_INDEX_KEY` (by default `GGH_DATA_KEY`
//! itself: set it to the old data key when rotating).

mod hashes;
#[cfg(test)]
mod tests;

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use hashes::derive;
pub use hashes::{hmac_hex, hmac_verify_hex, sha256_hex};

/// Nonce length of AES-GCM: 96 bits, random per message.
const NONCE_LEN: usize = 12;
/// First byte of a value that names its key: `TAGGED || key id (4) || nonce || ciphertext+tag`.
const TAGGED: u8 = 0x01;
const KEY_ID_LEN: usize = 4;

/// One data-encryption key and its public id.
#[derive(Clone)]
struct SealingKey {
    id: [u8; KEY_ID_LEN],
    cipher: Aes256Gcm,
}

impl SealingKey {
    fn new(master: &[u8; 32]) -> SealingKey {
        let id = derive(master, b"ggh/key-id/v1");
        SealingKey {
            id: [id[0], id[1], id[2], id[3]],
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(derive(
                master,
                b"ggh/pii-encryption/v1",
            ))),
        }
    }

    fn open(&self, nonce: &[u8], ciphertext: &[u8], binding: &str) -> Option<Vec<u8>> {
        let nonce = Nonce::try_from(nonce).ok()?;
        let payload = Payload {
            msg: ciphertext,
            aad: binding.as_bytes(),
        };
        self.cipher.decrypt(&nonce, payload).ok()
    }
}

#[derive(Clone)]
pub struct DataKeys {
    /// The current key first, then the previous ones.
    sealing: Vec<SealingKey>,
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

fn master(hex_key: &str) -> Result<[u8; 32], KeyError> {
    hex::decode(hex_key)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(KeyError::BadKey)
}

impl DataKeys {
    /// One key for everything (development, tests).
    pub fn from_hex(hex_key: &str) -> Result<DataKeys, KeyError> {
        DataKeys::rotated(hex_key, &[], None)
    }

    /// `current` seals; `previous` still open what they sealed; `index` (default: `current`)
    /// keys the blind indexes and one-time code hashes.
    pub fn rotated(
        current: &str,
        previous: &[&str],
        index: Option<&str>,
    ) -> Result<DataKeys, KeyError> {
        let current = master(current)?;
        let mut sealing = vec![SealingKey::new(&current)];
        for key in previous {
            sealing.push(SealingKey::new(&master(key)?));
        }
        let index = index.map(master).transpose()?.unwrap_or(current);
        Ok(DataKeys {
            sealing,
            index_key: derive(&index, b"ggh/blind-index/v1"),
            otp_key: derive(&index, b"ggh/otp/v1"),
        })
    }

    /// `base64(...)` bound to nothing: ID numbers and legal names, sealed before values were
    /// bound to their rows. AES-GCM with empty associated data is exactly AES-GCM without, so
    /// these and [`DataKeys::seal`] share one implementation and every stored value still opens.
    pub fn encrypt(&self, plaintext: &str) -> String {
        self.seal(plaintext, "")
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, KeyError> {
        self.open(stored, "")
    }

    /// Seals `plaintext` under the current key, bound to `binding` (the row and column it is
    /// stored in, e.g. `legal_aid_cases.description_enc:<id>`). The binding is authenticated,
    /// not stored, so a ciphertext copied into another row or column fails to open.
    pub fn seal_bytes(&self, plaintext: &[u8], binding: &str) -> Vec<u8> {
        let Some(key) = self.sealing.first() else {
            return Vec::new();
        };
        let nonce = Nonce::generate();
        let payload = Payload {
            msg: plaintext,
            aad: binding.as_bytes(),
        };
        // Encryption of an in-memory buffer with a valid key cannot fail.
        let ciphertext = key.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + ciphertext.len());
        out.push(TAGGED);
        out.extend_from_slice(&key.id);
        out.extend_from_slice(nonce.as_slice());
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Opens a value under the key it names, or one sealed before key ids under any key. A
    /// wrong guess cannot pass: AES-GCM authenticates.
    pub fn open_bytes(&self, sealed: &[u8], binding: &str) -> Result<Vec<u8>, KeyError> {
        if let Some((&TAGGED, rest)) = sealed.split_first()
            && let Some((id, rest)) = rest.split_at_checked(KEY_ID_LEN)
            && let Some((nonce, ciphertext)) = rest.split_at_checked(NONCE_LEN)
            && let Some(key) = self.sealing.iter().find(|k| k.id == id)
            && let Some(plain) = key.open(nonce, ciphertext, binding)
        {
            return Ok(plain);
        }
        let (nonce, ciphertext) = sealed
            .split_at_checked(NONCE_LEN)
            .ok_or(KeyError::Undecryptable)?;
        self.sealing
            .iter()
            .find_map(|key| key.open(nonce, ciphertext, binding))
            .ok_or(KeyError::Undecryptable)
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

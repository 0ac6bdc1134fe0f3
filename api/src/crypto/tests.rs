//! Sealing, opening, rotation and the hashes.

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
    let ciphertext = keys.sealing[0]
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

/// Rotation: new values carry the new key's id, old ones (tagged or from before key ids) still
/// open, a key removed from the list no longer opens its values, and blind indexes stay equal
/// while the index key is kept.
#[test]
fn the_data_key_rotates_without_a_flag_day() {
    let (old_hex, new_hex) = ("7".repeat(64), "9".repeat(64));
    let old = DataKeys::from_hex(&old_hex).unwrap();
    let tagged_old = old.seal("旧值", "t.c:1");
    let nonce = Nonce::generate();
    let bare = old.sealing[0]
        .cipher
        .encrypt(&nonce, b"untagged".as_slice())
        .unwrap();
    let untagged_old = STANDARD.encode([nonce.as_slice(), &bare].concat());

    let rotated = DataKeys::rotated(&new_hex, &[&old_hex], Some(&old_hex)).unwrap();
    assert_eq!(rotated.open(&tagged_old, "t.c:1").unwrap(), "旧值");
    assert_eq!(rotated.decrypt(&untagged_old).unwrap(), "untagged");
    let fresh = STANDARD.decode(rotated.seal("新值", "t.c:1")).unwrap();
    assert_eq!(fresh[0], TAGGED);
    assert_eq!(
        fresh[1..5],
        rotated.sealing[0].id,
        "sealed under the new key"
    );
    assert_ne!(rotated.sealing[0].id, old.sealing[0].id);
    assert_eq!(rotated.blind_index("id"), old.blind_index("id"));

    let retired = DataKeys::rotated(&new_hex, &[], Some(&old_hex)).unwrap();
    assert!(retired.open(&tagged_old, "t.c:1").is_err());
    assert!(retired.decrypt(&untagged_old).is_err());
}

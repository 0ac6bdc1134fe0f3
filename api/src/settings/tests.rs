//! Settings as an operator meets them: every problem at once, secrets that never print.

use std::collections::HashMap;

use super::*;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn production_refuses_dev_defaults_and_names_each_setting() {
    let err = settings(&[("GGH_ENV", "production")])
        .err()
        .map(|e| e.problems.join("\n"))
        .unwrap_or_default();
    for key in [
        "DATABASE_URL",
        "GGH_JWT_SECRET",
        "GGH_DATA_KEY",
        "GGH_SMS_PROVIDER",
    ] {
        assert!(err.contains(key), "missing {key} in: {err}");
    }
}

#[test]
fn production_starts_with_explicit_settings() {
    let s = settings(&[
        ("GGH_ENV", "production"),
        ("GGH_SMS_PROVIDER", "http"),
        ("GGH_SMS_HTTP_URL", "https://sms.example/send"),
        ("GGH_SMS_HTTP_KEY", "k"),
        ("DATABASE_URL", "postgres://app@db/ggh"),
        ("GGH_JWT_SECRET", KEY),
        ("GGH_DATA_KEY", KEY),
    ]);
    assert!(s.is_ok(), "{:?}", s.err());
}

#[test]
fn development_generates_private_secrets_once_and_keeps_them() {
    let dir = tempfile::tempdir().ok();
    let dir = dir
        .as_ref()
        .map(|d| d.path().to_string_lossy().to_string())
        .unwrap_or_default();
    let first = settings(&[("GGH_DATA_DIR", &dir)]).map_err(|e| e.to_string());
    let second = settings(&[("GGH_DATA_DIR", &dir)]).map_err(|e| e.to_string());
    let (first, second) = (first.as_ref().ok(), second.as_ref().ok());
    assert!(first.is_some() && second.is_some());
    assert_eq!(
        first.map(|s| s.jwt_secret.clone()),
        second.map(|s| s.jwt_secret.clone())
    );
    assert_eq!(first.map(|s| s.data_key.expose().len()), Some(64));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(std::path::Path::new(&dir).join("ggh_data_key"))
            .map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }
}

#[test]
fn bad_values_are_all_reported_at_once() {
    let err = settings(&[
        ("GGH_ENV", "staging"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "localhost:6379"),
        ("GGH_JWT_SECRET", "short"),
        ("GGH_DATA_KEY", "nothex"),
        ("GGH_WORKERS", "0"),
        ("GGH_SMS_PROVIDER", "pigeon"),
        ("GGH_TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip"),
        ("GGH_MINIPROGRAM_CLIENT_ID", "mp"),
    ])
    .err()
    .map(|e| e.problems.len());
    assert_eq!(err, Some(9));
}

#[test]
fn secrets_and_passwords_never_print() {
    let s = Secret::new("hunter2-hunter2");
    assert_eq!(format!("{s:?}"), "Secret(***)");
    assert_eq!(
        redact_url("postgres://app:pa55@db:5432/ggh"),
        "postgres://app:***@db:5432/ggh"
    );
    assert_eq!(
        redact_url("redis://127.0.0.1:6379/0"),
        "redis://127.0.0.1:6379/0"
    );
}

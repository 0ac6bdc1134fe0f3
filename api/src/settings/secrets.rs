//! Secrets: a type that never prints, and the development fallback that generates a key once
//! and keeps it private under the data directory.

use std::fmt;
use std::path::Path;

use rand::RngCore;

/// A secret value: never printed by `Debug` or `Display`, so it cannot leak through a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A required secret: from the environment, or in development a generated one kept under
/// `data_dir` (so restarts keep sessions and encrypted data readable).
pub(super) fn secret(
    var: &impl Fn(&str) -> Option<String>,
    key: &str,
    production: bool,
    data_dir: &Path,
    problems: &mut Vec<String>,
    invalid: impl Fn(&str) -> Option<String>,
) -> Option<Secret> {
    if let Some(value) = var(key) {
        if let Some(problem) = invalid(&value) {
            problems.push(problem);
        }
        return Some(Secret::new(value));
    }
    if production {
        problems.push(format!(
            "{key} is required in production; generate one with `openssl rand -hex 32`"
        ));
        return None;
    }
    let file = data_dir.join(key.to_ascii_lowercase());
    match dev_secret(&file) {
        Ok(value) => {
            tracing::warn!(
                setting = key,
                file = %file.display(),
                "using a development {key} kept on disk; set {key} (and GGH_ENV=production) for real deployments"
            );
            Some(Secret::new(value))
        }
        Err(e) => {
            problems.push(format!(
                "{key} is unset and a development key could not be kept at {}: {e}",
                file.display()
            ));
            None
        }
    }
}

/// Reads the dev secret at `file`, creating it (mode 0600) with 32 random bytes in hex if absent.
fn dev_secret(file: &Path) -> std::io::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(file) {
        let existing = existing.trim();
        if existing.len() == 64 && existing.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(existing.to_owned());
        }
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let value = hex::encode(bytes);
    write_private(file, &value)?;
    Ok(value)
}

#[cfg(unix)]
fn write_private(file: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(file)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(file: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(file, contents)
}

/// Data keys listed in `key` (comma-separated, each 64 hex characters), e.g. the previous data
/// keys that still open what they sealed.
pub(super) fn hex_keys(
    var: &impl Fn(&str) -> Option<String>,
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<Secret> {
    let raw = var(key).unwrap_or_default();
    let mut keys = Vec::new();
    for (i, item) in raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        if item.len() == 64 && item.chars().all(|c| c.is_ascii_hexdigit()) {
            keys.push(Secret::new(item));
        } else {
            problems.push(format!(
                "{key}: item {} is not 64 hex characters (generate keys with `openssl rand -hex 32`)",
                i + 1
            ));
        }
    }
    keys
}

//! Reading the environment: numbers with ranges, `.env`, and URLs made safe to print.

use std::fmt;
use std::path::PathBuf;

/// A numeric setting, `None` when unset; an unparsable or out-of-range value is a problem.
pub(super) fn parse<T: std::str::FromStr + fmt::Display>(
    var: &impl Fn(&str) -> Option<String>,
    key: &str,
    problems: &mut Vec<String>,
    in_range: impl Fn(&T) -> bool,
) -> Option<T> {
    let raw = var(key)?;
    match raw.parse::<T>() {
        Ok(v) if in_range(&v) => Some(v),
        _ => {
            problems.push(format!(
                "{key} is `{raw}`, which is not a number in the allowed range"
            ));
            None
        }
    }
}

/// Hides the password of a `scheme://user:password@host/...` URL before it is printed.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            ),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Loads `.env` from the working directory (or a parent) into the environment, if present.
pub fn load_dotenv() -> Result<PathBuf, dotenvy::Error> {
    dotenvy::dotenv()
}

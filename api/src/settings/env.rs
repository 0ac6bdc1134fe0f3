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
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    // `after` is `@host/...`: `userinfo` is where `rest` begins.
    match (userinfo.split_once(':'), rest.strip_prefix(userinfo)) {
        (Some((user, _password)), Some(after)) => format!("{scheme}://{user}:***{after}"),
        _ => url.to_owned(),
    }
}

/// Loads `.env` from the working directory (or a parent) into the environment, if present.
pub fn load_dotenv() -> Result<PathBuf, dotenvy::Error> {
    dotenvy::dotenv()
}

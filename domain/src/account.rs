//! Account fields a person types: display name and password, with their rules.

/// A name shown in the app: 1-32 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most 32 characters")]
    TooLong,
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl DisplayName {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<DisplayName, DisplayNameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(DisplayNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacter);
        }
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password: 8-128 characters with at least one letter (ASCII or a CJK ideograph) and one
/// digit. Letters are exactly those two ranges so the API's spec can state the rule as a pattern
/// a client checks before sending.
/// (Existing passwords are only ever compared with their hash.)
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least 8 characters")]
    TooShort,
    #[error("must be at most 128 characters")]
    TooLong,
    #[error("must contain a letter and a digit")]
    TooSimple,
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, PasswordError> {
        let chars = raw.chars().count();
        if chars < 8 {
            return Err(PasswordError::TooShort);
        }
        if chars > 128 {
            return Err(PasswordError::TooLong);
        }
        if !raw.chars().any(is_password_letter) || !raw.chars().any(|c| c.is_ascii_digit()) {
            return Err(PasswordError::TooSimple);
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_password_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// `王**`: the first character, the rest hidden (a counter needs to recognise, not to know).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李"), "李");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn display_names() {
        assert_eq!(
            DisplayName::parse("  王师傅 ").map(DisplayName::into_inner),
            Ok("王师傅".to_owned())
        );
        assert_eq!(DisplayName::parse("   "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"工".repeat(33)),
            Err(DisplayNameError::TooLong)
        );
        assert!(DisplayName::parse(&"工".repeat(32)).is_ok());
        assert_eq!(
            DisplayName::parse("a\u{0}b"),
            Err(DisplayNameError::ControlCharacter)
        );
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("gongren2026").is_ok());
        assert!(NewPassword::parse("工会会员密码123").is_ok());
        assert_eq!(
            NewPassword::parse("abc123").err(),
            Some(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::parse("abcdefghij").err(),
            Some(PasswordError::TooSimple)
        );
        assert_eq!(
            NewPassword::parse("1234567890").err(),
            Some(PasswordError::TooSimple)
        );
        // Letters outside ASCII and the CJK ideographs are not what the spec's pattern counts.
        assert_eq!(
            NewPassword::parse("αβγδεζηθ1").err(),
            Some(PasswordError::TooSimple)
        );
        assert_eq!(
            NewPassword::parse(&"a1".repeat(65)).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("gongren2026")),
            "Ok(NewPassword(***))"
        );
    }
}

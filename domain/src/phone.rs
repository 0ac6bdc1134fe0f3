//! Mainland China mobile numbers: the account's login name.

use std::fmt;

/// An 11-digit mainland mobile number, `1[3-9]` followed by nine digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a mainland mobile number (11 digits starting 13-19)")]
pub struct PhoneError;

impl Phone {
    /// Accepts the bare 11 digits; a leading `+86` or `86` country code is removed first.
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let trimmed = raw.trim();
        let digits = trimmed
            .strip_prefix("+86")
            .or_else(|| trimmed.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(trimmed);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && matches!(bytes, [b'1', b'3'..=b'9', ..])
            && bytes.iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Phone(digits.to_owned()))
        } else {
            Err(PhoneError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****0000`: what anyone but the owner is shown.
    pub fn masked(&self) -> String {
        let (head, tail) = (self.0.get(..3), self.0.get(7..));
        format!(
            "{}****{}",
            head.unwrap_or_default(),
            tail.unwrap_or_default()
        )
    }
}

/// Debug output is masked, so a phone in a logged struct never appears whole.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mainland_mobiles_only() {
        for (raw, ok) in [
            ("13800000000", Some("13800000000")),
            ("19912345678", Some("19912345678")),
            (" 15012345678 ", Some("15012345678")),
            ("+8613800000000", Some("13800000000")),
            ("8613800000000", Some("13800000000")),
            ("12800000000", None),
            ("1380000000", None),
            ("138000000001", None),
            ("1380000000a", None),
            ("23800000000", None),
            ("", None),
            ("１３８００００００００", None),
        ] {
            assert_eq!(
                Phone::parse(raw)
                    .ok()
                    .map(|p| p.as_str().to_owned())
                    .as_deref(),
                ok,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn masks_the_middle_four_digits() {
        let phone = Phone::parse("13812340000").unwrap();
        assert_eq!(phone.masked(), "138****0000");
        assert_eq!(format!("{phone:?}"), "Phone(138****0000)");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_what_parses_has_the_shape(
            raw in prop_oneof![any::<String>(), "\\s?(\\+?86)?1[0-9]{9,11}\\s?"]
        ) {
            if let Ok(phone) = Phone::parse(&raw) {
                let s = phone.as_str();
                prop_assert_eq!(s.len(), 11);
                prop_assert!(s.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(matches!(s.as_bytes(), [b'1', b'3'..=b'9', ..]));
                prop_assert!(raw.trim().ends_with(s));
                prop_assert_eq!(phone.masked(), format!("{}****{}", &s[..3], &s[7..]));
            }
        }

        /// A mainland mobile parses to its 11 digits with or without the country code.
        #[test]
        fn country_code_and_spaces_are_removed(
            digits in "1[3-9][0-9]{9}",
            prefix in prop_oneof![Just(""), Just("86"), Just("+86")],
            pad in "[ \t]{0,2}",
        ) {
            let phone = Phone::parse(&format!("{pad}{prefix}{digits}{pad}")).unwrap();
            prop_assert_eq!(phone.as_str(), digits);
        }
    }
}

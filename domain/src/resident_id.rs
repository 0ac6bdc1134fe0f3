//! 居民身份证号码: the 18-character resident ID of GB 11643-1999, used for real-name verification.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A resident ID whose check character and birth date are valid. Never displayed whole:
/// `Debug` masks it like [`ResidentId::masked`].
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    #[error("must be 17 digits followed by a digit or X")]
    Format,
    #[error("the birth date in the number is not a real date in the past")]
    BirthDate,
    #[error("the check character does not match (GB 11643-1999)")]
    CheckCharacter,
}

/// Weights of the 17 leading digits in the ISO 7064 MOD 11-2 checksum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK: [u8; 11] = *b"10X98765432";

impl ResidentId {
    /// Parses against `today` (the birth date must not be in the future). A lowercase `x` is
    /// accepted and stored uppercase.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<ResidentId, ResidentIdError> {
        let id = raw.trim().to_ascii_uppercase();
        let Some((&check, body)) = id.as_bytes().split_last() else {
            return Err(ResidentIdError::Format);
        };
        if body.len() != 17
            || !body.iter().all(u8::is_ascii_digit)
            || !(check.is_ascii_digit() || check == b'X')
        {
            return Err(ResidentIdError::Format);
        }
        // All ASCII by now, so the byte range is a character range.
        let birth = id
            .get(6..14)
            .and_then(|ymd| NaiveDate::parse_from_str(ymd, "%Y%m%d").ok())
            .ok_or(ResidentIdError::BirthDate)?;
        if birth > today || birth.year() < 1900 {
            return Err(ResidentIdError::BirthDate);
        }
        if Some(check) != check_character(body) {
            return Err(ResidentIdError::CheckCharacter);
        }
        Ok(ResidentId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `3601**********123X`: the first four and last four characters.
    pub fn masked(&self) -> String {
        let (head, tail) = (self.0.get(..4), self.0.get(14..));
        format!(
            "{}**********{}",
            head.unwrap_or_default(),
            tail.unwrap_or_default()
        )
    }
}

/// The check character of 17 ASCII digits (a non-digit counts as 0; `parse` never passes one).
fn check_character(digits: &[u8]) -> Option<u8> {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| char::from(*d).to_digit(10).unwrap_or(0) * w)
        .sum();
    CHECK.get((sum % 11) as usize).copied()
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// Builds a valid number from 17 leading digits.
    pub fn with_check(first17: &str) -> String {
        format!(
            "{first17}{}",
            check_character(first17.as_bytes()).unwrap() as char
        )
    }

    #[test]
    fn the_standards_example_is_valid() {
        // The worked example of GB 11643-1999.
        assert!(ResidentId::parse("11010519491231002X", today()).is_ok());
        assert!(
            ResidentId::parse("11010519491231002x", today()).is_ok(),
            "lowercase x"
        );
    }

    #[test]
    fn rejects_each_kind_of_mistake() {
        let valid = with_check("36010219900307123");
        assert!(ResidentId::parse(&valid, today()).is_ok());
        let mut wrong_check = valid.clone();
        wrong_check.replace_range(17.., if valid.ends_with('0') { "1" } else { "0" });
        for (raw, err) in [
            (wrong_check.as_str(), ResidentIdError::CheckCharacter),
            ("3601021990030712", ResidentIdError::Format),
            ("36010219900307123XX", ResidentIdError::Format),
            ("3601021990030712Y3", ResidentIdError::Format),
            (&with_check("36010219900230123"), ResidentIdError::BirthDate),
            (&with_check("36010220300101123"), ResidentIdError::BirthDate),
            (&with_check("36010218000101123"), ResidentIdError::BirthDate),
        ] {
            assert_eq!(ResidentId::parse(raw, today()).err(), Some(err), "{raw}");
        }
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let valid = with_check("36070219851111456");
        for pos in 0..17 {
            for d in b'0'..=b'9' {
                let mut typo = valid.clone().into_bytes();
                if typo[pos] == d {
                    continue;
                }
                typo[pos] = d;
                let typo = String::from_utf8(typo).unwrap();
                assert!(ResidentId::parse(&typo, today()).is_err(), "{typo} passed");
            }
        }
    }

    #[test]
    fn masks_all_but_the_ends() {
        let id = ResidentId::parse(&with_check("36010219900307123"), today()).unwrap();
        let masked = id.masked();
        assert_eq!(masked.len(), 18);
        assert!(masked.starts_with("3601**********") && masked.ends_with(&id.as_str()[14..]));
        assert!(!format!("{id:?}").contains(id.as_str()));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// 17 leading digits with a real birth date between 1900-01-01 and today.
    fn body() -> impl Strategy<Value = String> {
        let days = (today() - NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()).num_days();
        ("[0-9]{6}", 0..=days, "[0-9]{3}").prop_map(|(area, back, seq)| {
            let birth = today() - Duration::days(back);
            format!("{area}{}{seq}", birth.format("%Y%m%d"))
        })
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_what_parses_has_the_shape(
            raw in prop_oneof![any::<String>(), "\\s?[0-9]{16,19}[0-9xX]?\\s?"]
        ) {
            if let Ok(id) = ResidentId::parse(&raw, today()) {
                let s = id.as_str();
                prop_assert_eq!(s, raw.trim().to_ascii_uppercase());
                prop_assert_eq!(s.len(), 18);
                prop_assert!(s.bytes().take(17).all(|b| b.is_ascii_digit()));
                prop_assert!(s.ends_with(|c: char| c.is_ascii_digit() || c == 'X'));
                let masked = id.masked();
                prop_assert_eq!(&masked[..4], &s[..4]);
                prop_assert_eq!(&masked[4..14], "**********");
                prop_assert_eq!(&masked[14..], &s[14..]);
            }
        }

        /// Exactly one of the 11 check characters completes a number, in either case of `x`.
        #[test]
        fn exactly_one_check_character_fits(body in body()) {
            let fits: Vec<char> = "0123456789X"
                .chars()
                .filter(|c| ResidentId::parse(&format!("{body}{c}"), today()).is_ok())
                .collect();
            prop_assert_eq!(fits.len(), 1);
            let lower = format!("{body}{}", fits[0].to_ascii_lowercase());
            let parsed = ResidentId::parse(&lower, today()).unwrap();
            prop_assert_eq!(parsed.as_str(), format!("{body}{}", fits[0]));
        }

        /// ISO 7064 MOD 11-2 catches every single-digit substitution.
        #[test]
        fn a_single_digit_typo_never_passes(body in body(), pos in 0usize..17, shift in 1u8..10) {
            let valid = tests::with_check(&body);
            let mut typo = valid.clone().into_bytes();
            // Another digit: shifted by 1..=9 around 0-9.
            typo[pos] = b'0' + (typo[pos] - b'0' + shift) % 10;
            let typo = String::from_utf8(typo).unwrap();
            prop_assert!(ResidentId::parse(&typo, today()).is_err(), "{} passed", typo);
        }
    }
}

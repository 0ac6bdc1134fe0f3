//! 统一社会信用代码: the 18-character unified social credit code of GB 32100-2015.

use std::fmt;

/// A credit code whose characters and check character are valid.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("must be 18 characters of 0-9 and A-Z without I, O, S, V, Z")]
    Format,
    #[error("the check character does not match (GB 32100-2015)")]
    CheckCharacter,
}

/// The 31 characters the standard allows, in value order.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|x| *x == c).map(|p| p as u32)
}

/// The check character for the first 17 characters.
pub fn check_character(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.get(check as usize).copied()
}

impl CreditCode {
    /// Accepts lowercase letters and stores them uppercase.
    pub fn parse(raw: &str) -> Result<CreditCode, CreditCodeError> {
        let code = raw.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        if bytes.len() != 18 || !bytes.iter().all(|b| value(*b).is_some()) {
            return Err(CreditCodeError::Format);
        }
        let Some((&check, body)) = bytes.split_last() else {
            return Err(CreditCodeError::Format);
        };
        if check_character(body) != Some(check) {
            return Err(CreditCodeError::CheckCharacter);
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example_and_built_codes_are_valid() {
        // The worked example of GB 32100-2015.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100m000100y43").is_ok(), "lowercase");
        for body in [b"91360100MA35XXXX0", b"92360702L12345678"] {
            let code = format!(
                "{}{}",
                String::from_utf8_lossy(body),
                check_character(body).unwrap() as char
            );
            assert!(CreditCode::parse(&code).is_ok(), "{code}");
        }
    }

    #[test]
    fn each_kind_of_mistake_is_named() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckCharacter)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Format)
        );
        assert_eq!(
            CreditCode::parse("91350100I000100Y43"),
            Err(CreditCodeError::Format),
            "I is not allowed"
        );
        let valid = b"91350100M000100Y43";
        for pos in 0..17 {
            for &c in CHARSET {
                if valid[pos] == c {
                    continue;
                }
                let mut typo = valid.to_vec();
                typo[pos] = c;
                let typo = String::from_utf8(typo).unwrap();
                assert!(CreditCode::parse(&typo).is_err(), "{typo} passed");
            }
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn body() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(select(&CHARSET[..]), 17)
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_what_parses_has_the_shape(
            raw in prop_oneof![any::<String>(), "\\s?[0-9A-Za-z]{17,19}\\s?"]
        ) {
            if let Ok(code) = CreditCode::parse(&raw) {
                let s = code.as_str();
                prop_assert_eq!(s, raw.trim().to_ascii_uppercase());
                prop_assert_eq!(s.len(), 18);
                prop_assert!(s.bytes().all(|b| CHARSET.contains(&b)));
                prop_assert_eq!(check_character(&s.as_bytes()[..17]), Some(s.as_bytes()[17]));
            }
        }

        #[test]
        fn check_character_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let found = check_character(&bytes);
            let usable = bytes.iter().take(17).all(|b| CHARSET.contains(b));
            prop_assert_eq!(found.is_some(), usable);
            prop_assert!(found.is_none_or(|c| CHARSET.contains(&c)));
        }

        /// The body with its check character parses (in either case); every other last
        /// character is refused as a wrong check character.
        #[test]
        fn the_check_character_completes_a_body(body in body(), last in select(&CHARSET[..])) {
            let check = check_character(&body).unwrap();
            let valid = format!("{}{}", String::from_utf8_lossy(&body), check as char);
            let code = CreditCode::parse(&valid.to_ascii_lowercase()).unwrap();
            prop_assert_eq!(code.as_str(), valid.as_str());
            let other = format!("{}{}", String::from_utf8_lossy(&body), last as char);
            let expected = if last == check { Ok(()) } else { Err(CreditCodeError::CheckCharacter) };
            prop_assert_eq!(CreditCode::parse(&other).map(|_| ()), expected);
        }
    }
}

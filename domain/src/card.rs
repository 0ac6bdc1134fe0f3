//! 普惠服务卡: the benefit card's number and its lifecycle.
//!
//! A card number is 16 digits: "36", the 2-digit city (01..11 from the city's division code
//! 36XX00), an 11-digit serial, and a Luhn check digit. It is shown in groups of four.

use std::fmt;

/// A card number with a valid prefix, city and Luhn check digit.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNo(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardNoError {
    #[error("must be 16 digits")]
    Format,
    #[error("must start with 36 and a city 01-11")]
    Prefix,
    #[error("the check digit does not match (Luhn)")]
    CheckDigit,
}

/// The Luhn check digit for `digits` (ASCII digits, without the check digit).
/// Replacement cards a member may take in [`REPLACEMENT_WINDOW_DAYS`]: a stolen phone or a
/// curious member cannot churn card numbers.
pub const MAX_REPLACEMENTS: i64 = 3;
pub const REPLACEMENT_WINDOW_DAYS: i64 = 30;

pub fn luhn_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            // A non-digit counts as 0: callers pass digits, and a bad byte must not panic.
            let d = char::from(b).to_digit(10).unwrap_or(0);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl CardNo {
    /// The number for `serial` (0..10^11) in `city` (1..=11).
    pub fn new(city: u8, serial: u64) -> Option<CardNo> {
        if !(1..=11).contains(&city) || serial >= 100_000_000_000 {
            return None;
        }
        let body = format!("36{city:02}{serial:011}");
        let check = luhn_digit(&body);
        Some(CardNo(format!("{body}{check}")))
    }

    /// Accepts 16 digits, ignoring spaces (as printed in groups of four).
    pub fn parse(raw: &str) -> Result<CardNo, CardNoError> {
        let digits: String = raw.chars().filter(|c| *c != ' ').collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardNoError::Format);
        }
        let city: u8 = digits
            .get(2..4)
            .and_then(|c| c.parse().ok())
            .ok_or(CardNoError::Format)?;
        if !digits.starts_with("36") || !(1..=11).contains(&city) {
            return Err(CardNoError::Prefix);
        }
        let (body, check) = digits.split_at_checked(15).ok_or(CardNoError::Format)?;
        if check.as_bytes() != [b'0' + luhn_digit(body)] {
            return Err(CardNoError::CheckDigit);
        }
        Ok(CardNo(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `3601 0000 0000 0017`
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Debug for CardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNo({})", self.0)
    }
}

crate::text_enum! {
    /// A benefit card's state: `active`; `frozen` by an admin; `lost` when reported; `cancelled` once replaced.
    pub enum CardStatus {
        Active = "active",
        Frozen = "frozen",
        Lost = "lost",
        Cancelled = "cancelled",
    }
}

/// What can happen to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardEvent {
    /// The member reports it lost.
    ReportLost,
    /// An admin freezes it.
    Freeze,
    /// An admin lifts a freeze.
    Unfreeze,
    /// A replacement was issued.
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} card cannot be {event:?}")]
pub struct CardTransitionError {
    pub from: CardStatus,
    pub event: CardEvent,
}

impl CardStatus {
    /// The state machine: active <-> frozen; active|frozen -> lost; any live card -> cancelled
    /// by replacement. A cancelled card never changes again.
    pub fn apply(self, event: CardEvent) -> Result<CardStatus, CardTransitionError> {
        use CardEvent as E;
        use CardStatus as S;
        match (self, event) {
            (S::Active | S::Frozen, E::ReportLost) => Ok(S::Lost),
            (S::Active, E::Freeze) => Ok(S::Frozen),
            (S::Frozen, E::Unfreeze) => Ok(S::Active),
            (S::Active | S::Frozen | S::Lost, E::Replace) => Ok(S::Cancelled),
            (from, event) => Err(CardTransitionError { from, event }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_known_numbers() {
        // Classic Luhn examples: 7992739871 -> 3; 4111 1111 1111 111 -> 1.
        assert_eq!(luhn_digit("7992739871"), 3);
        assert_eq!(luhn_digit("411111111111111"), 1);
    }

    #[test]
    fn numbers_round_trip_and_carry_the_city() {
        for (city, serial) in [(1u8, 0u64), (7, 42), (11, 99_999_999_999)] {
            let no = CardNo::new(city, serial).unwrap();
            assert_eq!(no.as_str().len(), 16);
            assert_eq!(&no.as_str()[..4], format!("36{city:02}"));
            assert_eq!(CardNo::parse(no.as_str()), Ok(no.clone()));
            assert_eq!(CardNo::parse(&no.grouped()), Ok(no));
        }
        assert_eq!(CardNo::new(12, 1), None);
        assert_eq!(CardNo::new(1, 100_000_000_000), None);
    }

    #[test]
    fn every_single_digit_typo_fails_the_check() {
        let no = CardNo::new(1, 12_345_678_901).unwrap();
        for pos in 4..16 {
            for d in b'0'..=b'9' {
                let mut typo = no.as_str().as_bytes().to_vec();
                if typo[pos] == d {
                    continue;
                }
                typo[pos] = d;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(CardNo::parse(&typo), Err(CardNoError::CheckDigit), "{typo}");
            }
        }
    }

    #[test]
    fn malformed_numbers() {
        assert_eq!(CardNo::parse("3601"), Err(CardNoError::Format));
        assert_eq!(CardNo::parse("360100000000001a"), Err(CardNoError::Format));
        assert_eq!(CardNo::parse("3512000000000000"), Err(CardNoError::Prefix));
        assert_eq!(CardNo::parse("3612000000000000"), Err(CardNoError::Prefix));
    }

    #[test]
    fn card_state_machine() {
        use CardEvent as E;
        use CardStatus as S;
        let table = [
            (S::Active, E::ReportLost, Some(S::Lost)),
            (S::Frozen, E::ReportLost, Some(S::Lost)),
            (S::Lost, E::ReportLost, None),
            (S::Active, E::Freeze, Some(S::Frozen)),
            (S::Frozen, E::Freeze, None),
            (S::Lost, E::Freeze, None),
            (S::Frozen, E::Unfreeze, Some(S::Active)),
            (S::Active, E::Unfreeze, None),
            (S::Active, E::Replace, Some(S::Cancelled)),
            (S::Lost, E::Replace, Some(S::Cancelled)),
            (S::Cancelled, E::Replace, None),
            (S::Cancelled, E::Unfreeze, None),
        ];
        for (from, event, to) in table {
            assert_eq!(from.apply(event).ok(), to, "{from:?} {event:?}");
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// The Luhn check of a whole number, check digit included, written from the definition.
    fn luhn_valid(number: &str) -> bool {
        let sum: u32 = number
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][d as usize]
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    fn card() -> impl Strategy<Value = CardNo> {
        (1u8..=11, 0u64..100_000_000_000)
            .prop_map(|(city, serial)| CardNo::new(city, serial).unwrap())
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_what_parses_has_the_shape(
            raw in prop_oneof![any::<String>(), "36[0-9 ]{12,18}", "[0-9]{16}"]
        ) {
            if let Ok(no) = CardNo::parse(&raw) {
                let s = no.as_str();
                prop_assert_eq!(s, raw.replace(' ', ""));
                prop_assert!(s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(s.starts_with("36") && (1..=11).contains(&s[2..4].parse::<u8>().unwrap()));
                prop_assert!(luhn_valid(s));
            }
        }

        #[test]
        fn the_luhn_digit_completes_any_number(body in "[0-9]{0,40}") {
            let check = luhn_digit(&body);
            prop_assert!(check < 10);
            let number = format!("{body}{check}");
            prop_assert!(luhn_valid(&number));
        }

        #[test]
        fn luhn_digit_never_panics(text in any::<String>()) {
            prop_assert!(luhn_digit(&text) < 10);
        }

        /// A number reads back from its plain and its grouped form.
        #[test]
        fn numbers_round_trip(no in card()) {
            let grouped = no.grouped();
            prop_assert_eq!(grouped.len(), 19);
            prop_assert!(grouped.split(' ').all(|g| g.len() == 4));
            prop_assert_eq!(CardNo::parse(&grouped), Ok(no.clone()));
            prop_assert_eq!(CardNo::parse(no.as_str()), Ok(no));
        }

        #[test]
        fn a_single_digit_typo_never_passes(no in card(), pos in 0usize..16, shift in 1u8..10) {
            let mut typo = no.as_str().as_bytes().to_vec();
            // Another digit: shifted by 1..=9 around 0-9.
            typo[pos] = b'0' + (typo[pos] - b'0' + shift) % 10;
            prop_assert!(CardNo::parse(&String::from_utf8(typo).unwrap()).is_err());
        }
    }
}

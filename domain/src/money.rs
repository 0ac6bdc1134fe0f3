//! Money as an integer number of fen (1/100 yuan). Never a float.

use serde::{Deserialize, Serialize};

/// The largest amount any one field of the API may state: 1 亿元 (10^10 fen). Far above any
/// purchase, claim or recovery; and 900 million such amounts still sum inside an i64 (a merchant
/// would need that many maximal purchases in one settlement), so no ledger, settlement or
/// statistic overflows in practice.
pub const MAX_FEN: i64 = 10_000_000_000;

/// The most uses an offer's quota may allow: a billion.
pub const MAX_QUOTA: i64 = 1_000_000_000;

/// An amount of money in fen (分). Negative values are allowed (refunds, reversals netted).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// `None` on overflow: sums of province-scale spending must never wrap silently.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }
}

impl std::fmt::Display for Fen {
    /// Renders as yuan with two decimals, e.g. `Fen(12345)` -> `123.45`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::Fen;

    #[test]
    fn nine_hundred_million_maximal_amounts_sum_inside_an_i64() {
        assert!(super::MAX_FEN.checked_mul(900_000_000).is_some());
        assert!(
            super::MAX_FEN.checked_mul(super::MAX_QUOTA).is_none(),
            "the bound is tight"
        );
    }

    #[test]
    fn displays_as_yuan_with_two_decimals() {
        for (fen, shown) in [
            (0, "0.00"),
            (5, "0.05"),
            (100, "1.00"),
            (12345, "123.45"),
            (-250, "-2.50"),
            (i64::MIN, "-92233720368547758.08"),
        ] {
            assert_eq!(Fen::new(fen).to_string(), shown, "{fen} fen");
        }
    }

    #[test]
    fn arithmetic_refuses_to_overflow() {
        assert_eq!(Fen::new(i64::MAX).checked_add(Fen::new(1)), None);
        assert_eq!(Fen::new(i64::MIN).checked_sub(Fen::new(1)), None);
        assert_eq!(
            Fen::new(150).checked_add(Fen::new(-50)),
            Some(Fen::new(100))
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `Display` shows every amount exactly: yuan, a point, two fen digits, sign when negative.
        #[test]
        fn display_reads_back_to_the_same_fen(fen in any::<i64>()) {
            let shown = Fen::new(fen).to_string();
            let (negative, digits) = match shown.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, shown.as_str()),
            };
            let (yuan, cents) = digits.split_once('.').unwrap();
            prop_assert_eq!(cents.len(), 2);
            let abs = yuan.parse::<i128>().unwrap() * 100 + cents.parse::<i128>().unwrap();
            prop_assert_eq!(if negative { -abs } else { abs }, i128::from(fen));
            prop_assert_eq!(negative, fen < 0);
        }

        #[test]
        fn checked_arithmetic_is_exact_or_none(a in any::<i64>(), b in any::<i64>()) {
            let fits = |n: i128| i64::try_from(n).ok().map(Fen::new);
            let (x, y) = (Fen::new(a), Fen::new(b));
            prop_assert_eq!(x.checked_add(y), fits(i128::from(a) + i128::from(b)));
            prop_assert_eq!(x.checked_sub(y), fits(i128::from(a) - i128::from(b)));
        }

        /// 900 million amounts of at most MAX_FEN each sum inside an i64.
        #[test]
        fn bounded_amounts_sum_without_overflow(a in 0..=MAX_FEN, n in 0..=900_000_000i64) {
            prop_assert!(a.checked_mul(n).is_some());
        }

        #[test]
        fn serde_is_the_bare_number(fen in any::<i64>()) {
            let json = serde_json::to_string(&Fen::new(fen)).unwrap();
            prop_assert_eq!(&json, &fen.to_string());
            prop_assert_eq!(serde_json::from_str::<Fen>(&json).unwrap(), Fen::new(fen));
        }
    }
}

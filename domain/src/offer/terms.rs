//! The discount maths of a purchase at the counter. Pure integer fen.
//!
//! Rounding: a percentage discount is `amount × bp / 10000` rounded half-up to the fen, then
//! capped by `max_discount`, and never more than the amount. One offer per purchase: offers do
//! not stack.

use crate::money::Fen;

/// Basis points: 1200 = 12 % off (88折).
pub const BP_PER_WHOLE: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    /// `bp` off the amount, at most `max_discount`.
    PercentOff { bp: i64, max_discount: Option<Fen> },
    /// 满减: `off` off once the amount reaches the threshold.
    AmountOff { off: Fen },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub kind: OfferKind,
    /// The least amount the offer applies to.
    pub threshold: Option<Fen>,
}

/// The result of applying an offer: `payable + discount == original`, `0 <= discount <= original`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub original: Fen,
    pub discount: Fen,
    pub payable: Fen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("the amount must be more than zero")]
    NonPositiveAmount,
    #[error("the amount is below the offer's threshold")]
    BelowThreshold { threshold: Fen },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("percent_off_bp must be 1..=10000")]
    Percent,
    #[error("max_discount_fen must be more than zero")]
    Cap,
    #[error("off_fen must be more than zero")]
    Off,
    #[error("threshold_fen must not be negative")]
    Threshold,
    #[error("an amount-off offer needs a threshold at least its off_fen")]
    ThresholdBelowOff,
}

impl Terms {
    /// Checks the terms an owner enters.
    pub fn new(kind: OfferKind, threshold: Option<Fen>) -> Result<Terms, TermsError> {
        if threshold.is_some_and(|t| t.get() < 0) {
            return Err(TermsError::Threshold);
        }
        match kind {
            OfferKind::PercentOff { bp, max_discount } => {
                if !(1..=BP_PER_WHOLE).contains(&bp) {
                    return Err(TermsError::Percent);
                }
                if max_discount.is_some_and(|m| m.get() <= 0) {
                    return Err(TermsError::Cap);
                }
            }
            OfferKind::AmountOff { off } => {
                if off.get() <= 0 {
                    return Err(TermsError::Off);
                }
                if threshold.is_none_or(|t| t < off) {
                    return Err(TermsError::ThresholdBelowOff);
                }
            }
        }
        Ok(Terms { kind, threshold })
    }

    pub fn quote(&self, amount: Fen) -> Result<Quote, QuoteError> {
        if amount.get() <= 0 {
            return Err(QuoteError::NonPositiveAmount);
        }
        if let Some(threshold) = self.threshold
            && amount < threshold
        {
            return Err(QuoteError::BelowThreshold { threshold });
        }
        let raw = match self.kind {
            OfferKind::PercentOff { bp, max_discount } => {
                let exact = i128::from(amount.get()) * i128::from(bp);
                // Half-up: add half the divisor before the integer division (amount > 0).
                let rounded =
                    ((exact + i128::from(BP_PER_WHOLE / 2)) / i128::from(BP_PER_WHOLE)) as i64;
                max_discount.map_or(rounded, |cap| rounded.min(cap.get()))
            }
            OfferKind::AmountOff { off } => off.get(),
        };
        let discount = raw.clamp(0, amount.get());
        Ok(Quote {
            original: amount,
            discount: Fen::new(discount),
            payable: Fen::new(amount.get() - discount),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(bp: i64, cap: Option<i64>, threshold: Option<i64>) -> Terms {
        Terms::new(
            OfferKind::PercentOff {
                bp,
                max_discount: cap.map(Fen::new),
            },
            threshold.map(Fen::new),
        )
        .unwrap()
    }

    fn off(off: i64, threshold: i64) -> Terms {
        Terms::new(
            OfferKind::AmountOff { off: Fen::new(off) },
            Some(Fen::new(threshold)),
        )
        .unwrap()
    }

    #[test]
    fn examples_come_out_to_the_fen() {
        let table: [(&str, Terms, i64, Result<i64, QuoteError>); 12] = [
            ("88折 on 100.00", pct(1200, None, None), 10_000, Ok(1_200)),
            (
                "12 % of 0.37 = 4.44 fen -> 4",
                pct(1200, None, None),
                37,
                Ok(4),
            ),
            (
                "12 % of 0.38 = 4.56 fen -> 5",
                pct(1200, None, None),
                38,
                Ok(5),
            ),
            ("half a fen rounds up", pct(5000, None, None), 1, Ok(1)),
            (
                "12.5 % of 0.04 = 0.5 fen -> 1",
                pct(1250, None, None),
                4,
                Ok(1),
            ),
            ("cap", pct(2000, Some(3_000), None), 50_000, Ok(3_000)),
            (
                "under the cap",
                pct(2000, Some(3_000), None),
                10_000,
                Ok(2_000),
            ),
            (
                "100 % off is the whole amount",
                pct(10_000, None, None),
                9_999,
                Ok(9_999),
            ),
            ("满100减20", off(2_000, 10_000), 10_000, Ok(2_000)),
            ("满100减20 on 150", off(2_000, 10_000), 15_000, Ok(2_000)),
            (
                "满100减20 on 99.99",
                off(2_000, 10_000),
                9_999,
                Err(QuoteError::BelowThreshold {
                    threshold: Fen::new(10_000),
                }),
            ),
            (
                "percent with a threshold",
                pct(1000, None, Some(5_000)),
                4_999,
                Err(QuoteError::BelowThreshold {
                    threshold: Fen::new(5_000),
                }),
            ),
        ];
        for (name, terms, amount, expected) in table {
            assert_eq!(
                terms.quote(Fen::new(amount)).map(|q| q.discount.get()),
                expected,
                "{name}"
            );
        }
        assert_eq!(
            pct(1200, None, None).quote(Fen::ZERO),
            Err(QuoteError::NonPositiveAmount)
        );
    }

    #[test]
    fn bad_terms_are_refused() {
        let kind = |bp| OfferKind::PercentOff {
            bp,
            max_discount: None,
        };
        assert_eq!(Terms::new(kind(0), None), Err(TermsError::Percent));
        assert_eq!(Terms::new(kind(10_001), None), Err(TermsError::Percent));
        assert_eq!(
            Terms::new(
                OfferKind::PercentOff {
                    bp: 100,
                    max_discount: Some(Fen::ZERO)
                },
                None
            ),
            Err(TermsError::Cap)
        );
        assert_eq!(
            Terms::new(
                OfferKind::AmountOff { off: Fen::new(500) },
                Some(Fen::new(400))
            ),
            Err(TermsError::ThresholdBelowOff)
        );
        assert_eq!(
            Terms::new(OfferKind::AmountOff { off: Fen::new(500) }, None),
            Err(TermsError::ThresholdBelowOff)
        );
        assert_eq!(
            Terms::new(OfferKind::AmountOff { off: Fen::ZERO }, Some(Fen::new(1))),
            Err(TermsError::Off)
        );
    }

    /// Property: for any terms and amount, 0 <= discount <= amount and payable + discount =
    /// original (a deterministic pseudo-random sweep of 200,000 cases, edges included).
    #[test]
    fn the_invariants_hold_for_any_offer_and_amount() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |bound: i64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as i64
        };
        for i in 0..200_000 {
            let amount = match i % 4 {
                0 => 1 + next(100),
                1 => 1 + next(1_000_000),
                2 => 1 + next(i64::MAX / 10_001),
                _ => i64::MAX / 10_001 - next(1_000),
            };
            let terms = if i % 2 == 0 {
                let cap = (next(3) == 0).then(|| 1 + next(100_000));
                pct(
                    1 + next(BP_PER_WHOLE),
                    cap,
                    (next(3) == 0).then(|| next(amount + 1)),
                )
            } else {
                let o = 1 + next(1_000_000);
                off(o, o + next(1_000_000))
            };
            if let Ok(q) = terms.quote(Fen::new(amount)) {
                assert!(
                    q.discount.get() >= 0 && q.discount <= q.original,
                    "{terms:?} {amount} {q:?}"
                );
                assert_eq!(q.payable.get() + q.discount.get(), q.original.get());
            }
        }
    }
}

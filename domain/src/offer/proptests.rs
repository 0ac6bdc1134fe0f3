//! Properties of the discount maths for any terms within their documented bounds and any
//! amount up to `MAX_FEN` (and, for overflow, any positive i64): the discount never exceeds the
//! amount, payable + discount = original, nothing overflows.

use proptest::prelude::*;

use super::*;
use crate::money::{Fen, MAX_FEN};

/// Terms an owner may enter: the API caps every amount at `MAX_FEN`.
fn terms() -> impl Strategy<Value = Terms> {
    let fen = || 1..=MAX_FEN;
    let percent = (
        1..=BP_PER_WHOLE,
        proptest::option::of(fen()),
        proptest::option::of(0..=MAX_FEN),
    )
        .prop_map(|(bp, cap, threshold)| {
            let kind = OfferKind::PercentOff {
                bp,
                max_discount: cap.map(Fen::new),
            };
            Terms::new(kind, threshold.map(Fen::new)).unwrap()
        });
    let amount_off = (fen(), 0..=MAX_FEN).prop_map(|(off, extra)| {
        let threshold = off.saturating_add(extra).min(MAX_FEN);
        Terms::new(
            OfferKind::AmountOff { off: Fen::new(off) },
            Some(Fen::new(threshold)),
        )
        .unwrap()
    });
    prop_oneof![percent, amount_off]
}

/// Amounts weighted towards the small ones a counter sees and the edges.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![1..=100i64, 1..=1_000_000i64, 1..=MAX_FEN, Just(MAX_FEN)]
}

fn half_up(amount: i64, bp: i64) -> i64 {
    let exact = i128::from(amount) * i128::from(bp);
    i64::try_from((exact + 5_000) / 10_000).unwrap()
}

proptest! {
    #[test]
    fn a_quote_keeps_its_invariants(terms in terms(), amount in amount()) {
        let quote = terms.quote(Fen::new(amount));
        match terms.threshold {
            Some(threshold) if amount < threshold.get() => {
                prop_assert_eq!(quote, Err(QuoteError::BelowThreshold { threshold }));
            }
            _ => {
                let q = quote.unwrap();
                prop_assert_eq!(q.original, Fen::new(amount));
                prop_assert!(Fen::ZERO <= q.discount && q.discount <= q.original);
                prop_assert!(q.payable >= Fen::ZERO);
                prop_assert_eq!(q.payable.get(), q.original.get() - q.discount.get());
                let expected = match terms.kind {
                    OfferKind::PercentOff { bp, max_discount } => {
                        let d = half_up(amount, bp);
                        max_discount.map_or(d, |cap| d.min(cap.get()))
                    }
                    // The threshold is at least `off`, so the whole `off` applies.
                    OfferKind::AmountOff { off } => off.get(),
                };
                prop_assert_eq!(q.discount.get(), expected);
            }
        }
    }

    /// Past the API's bounds the maths still cannot overflow or break its invariants.
    #[test]
    fn no_positive_amount_overflows(terms in terms(), amount in 1..=i64::MAX) {
        if let Ok(q) = terms.quote(Fen::new(amount)) {
            prop_assert!(Fen::ZERO <= q.discount && q.discount <= q.original);
            prop_assert_eq!(q.payable.get() + q.discount.get(), amount);
        }
    }

    #[test]
    fn a_larger_amount_never_earns_a_smaller_discount(terms in terms(), a in amount(), b in amount()) {
        let (low, high) = (a.min(b), a.max(b));
        if let (Ok(lo), Ok(hi)) = (terms.quote(Fen::new(low)), terms.quote(Fen::new(high))) {
            prop_assert!(lo.discount <= hi.discount);
        }
    }

    #[test]
    fn nothing_is_quoted_on_no_amount(terms in terms(), amount in i64::MIN..=0) {
        prop_assert_eq!(terms.quote(Fen::new(amount)), Err(QuoteError::NonPositiveAmount));
    }

    /// `Terms::new` refuses exactly what its bounds exclude.
    #[test]
    fn terms_outside_their_bounds_are_refused(bp in any::<i64>(), cap in any::<i64>(), off in any::<i64>(), threshold in any::<i64>()) {
        let percent = Terms::new(OfferKind::PercentOff { bp, max_discount: Some(Fen::new(cap)) }, None);
        let percent_ok = (1..=BP_PER_WHOLE).contains(&bp) && cap > 0;
        prop_assert_eq!(percent.is_ok(), percent_ok);
        let amount_off = Terms::new(OfferKind::AmountOff { off: Fen::new(off) }, Some(Fen::new(threshold)));
        prop_assert_eq!(amount_off.is_ok(), off > 0 && threshold >= off);
    }

    /// Uses left never go negative or above the limit, for any count the store returns.
    #[test]
    fn remaining_uses_stay_within_the_limit(uses in any::<i32>(), used in 0..=i32::MAX) {
        let o = Offer {
            status: OfferStatus::Active,
            starts_at: chrono::DateTime::UNIX_EPOCH,
            ends_at: chrono::DateTime::UNIX_EPOCH,
            audience: Audience::All,
            member_limit: Some(MemberLimit { uses, period: LimitPeriod::Total }),
            terms: Terms::new(OfferKind::PercentOff { bp: 1, max_discount: None }, None).unwrap(),
        };
        let left = o.remaining_for(used).unwrap();
        prop_assert!(0 <= left && left <= i64::from(uses.max(0)));
        prop_assert_eq!(o.has_use_left(used).is_err(), left == 0);
    }
}

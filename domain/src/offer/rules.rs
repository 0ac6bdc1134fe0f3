//! One offer as the counter applies it: whether it can be used now, whether this member may use
//! it, how many of their uses are left, and the quote. Verification (which offers to list) and
//! redemption (whether to record one) ask the same questions here, so they cannot disagree.

use chrono::{DateTime, Utc};

use super::{Audience, LimitPeriod, OfferStatus, Quote, QuoteError, Terms};
use crate::membership::LaborModelLevel;
use crate::money::Fen;

/// How often one member may use an offer: `uses` per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberLimit {
    pub uses: i32,
    pub period: LimitPeriod,
}

/// What of the card holder decides which offers they may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub labor_model_level: LaborModelLevel,
    pub hardship: bool,
}

/// Why a member cannot use an offer now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OfferRefusal {
    #[error("the offer is paused or outside its window")]
    Inactive,
    #[error("the offer is for another audience")]
    NotEligible,
    #[error("the member has no uses left in this period")]
    LimitReached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub status: OfferStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub audience: Audience,
    pub member_limit: Option<MemberLimit>,
    pub terms: Terms,
}

impl Offer {
    /// Whether `holder` may use the offer at `now` (its quota and their uses aside).
    pub fn admits(&self, holder: Holder, now: DateTime<Utc>) -> Result<(), OfferRefusal> {
        if self.status != OfferStatus::Active || now < self.starts_at || now >= self.ends_at {
            return Err(OfferRefusal::Inactive);
        }
        if !self
            .audience
            .admits(holder.labor_model_level, holder.hardship)
        {
            return Err(OfferRefusal::NotEligible);
        }
        Ok(())
    }

    /// The key of the limit period containing `now`, when the offer limits members' uses.
    pub fn period_key(&self, now: DateTime<Utc>) -> Option<String> {
        self.member_limit.map(|l| l.period.key_at(now))
    }

    /// The member's uses left after `used` in the current period; `None` when unlimited.
    pub fn remaining_for(&self, used: i32) -> Option<i64> {
        self.member_limit
            .map(|l| i64::from(l.uses) - i64::from(used))
            .map(|left| left.max(0))
    }

    /// Whether the member may use it once more, after `used` uses in the current period.
    pub fn has_use_left(&self, used: i32) -> Result<(), OfferRefusal> {
        match self.remaining_for(used) {
            Some(0) => Err(OfferRefusal::LimitReached),
            _ => Ok(()),
        }
    }

    pub fn quote(&self, amount: Fen) -> Result<Quote, QuoteError> {
        self.terms.quote(amount)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::offer::OfferKind;

    fn offer(audience: Audience, member_limit: Option<MemberLimit>) -> Offer {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap();
        Offer {
            status: OfferStatus::Active,
            starts_at: start,
            ends_at: start + Duration::days(30),
            audience,
            member_limit,
            terms: Terms::new(
                OfferKind::PercentOff {
                    bp: 1200,
                    max_discount: None,
                },
                None,
            )
            .unwrap(),
        }
    }

    const WORKER: Holder = Holder {
        labor_model_level: LaborModelLevel::None,
        hardship: false,
    };

    #[test]
    fn an_offer_admits_only_inside_its_window_and_while_active() {
        let o = offer(Audience::All, None);
        assert_eq!(o.admits(WORKER, o.starts_at), Ok(()));
        let just_before = o.starts_at - Duration::seconds(1);
        assert_eq!(o.admits(WORKER, just_before), Err(OfferRefusal::Inactive));
        assert_eq!(o.admits(WORKER, o.ends_at), Err(OfferRefusal::Inactive));
        let paused = Offer {
            status: OfferStatus::Paused,
            ..o
        };
        assert_eq!(
            paused.admits(WORKER, o.starts_at),
            Err(OfferRefusal::Inactive)
        );
    }

    #[test]
    fn an_offer_for_model_workers_refuses_others() {
        let o = offer(Audience::LaborModel, None);
        assert_eq!(
            o.admits(WORKER, o.starts_at),
            Err(OfferRefusal::NotEligible)
        );
        let model = Holder {
            labor_model_level: LaborModelLevel::Provincial,
            hardship: false,
        };
        assert_eq!(o.admits(model, o.starts_at), Ok(()));
    }

    #[test]
    fn remaining_uses_count_down_and_never_go_negative() {
        let limit = MemberLimit {
            uses: 2,
            period: LimitPeriod::Day,
        };
        let o = offer(Audience::All, Some(limit));
        assert_eq!(o.remaining_for(0), Some(2));
        assert_eq!(o.remaining_for(1), Some(1));
        assert_eq!(o.remaining_for(2), Some(0));
        assert_eq!(o.remaining_for(5), Some(0));
        assert_eq!(o.has_use_left(1), Ok(()));
        assert_eq!(o.has_use_left(2), Err(OfferRefusal::LimitReached));
        assert_eq!(o.period_key(o.starts_at).as_deref(), Some("2026-12-01"));
        let unlimited = offer(Audience::All, None);
        assert_eq!(unlimited.remaining_for(100), None);
        assert_eq!(unlimited.has_use_left(100), Ok(()));
        assert_eq!(unlimited.period_key(o.starts_at), None);
    }
}

//! The texts an offer is described by: status, kind, audience and limit period.

use crate::membership::LaborModelLevel;

crate::text_enum! {
    /// Whether an offer can be used now, as its owner set it.
    pub enum OfferStatus {
        Active = "active",
        Paused = "paused",
    }
}

crate::text_enum! {
    /// The `kind` of an offer: `percent_off` (折扣) or `amount_off` (满减 over a threshold).
    pub enum OfferType {
        PercentOff = "percent_off",
        AmountOff = "amount_off",
    }
}

crate::text_enum! {
    /// Who an offer is for.
    pub enum Audience {
        All = "all",
        /// 劳模 of any level.
        LaborModel = "labor_model",
        /// Workers flagged in hardship.
        Hardship = "hardship",
    }
}

crate::text_enum! {
    /// The window a per-member limit counts in, by the Asia/Shanghai calendar.
    pub enum LimitPeriod {
        Day = "day",
        Month = "month",
        Total = "total",
    }
}

impl Audience {
    /// Whether a member with this 劳模 level (`none` when not one) and hardship flag qualifies.
    pub fn admits(self, labor_model_level: LaborModelLevel, hardship: bool) -> bool {
        match self {
            Audience::All => true,
            Audience::LaborModel => labor_model_level != LaborModelLevel::None,
            Audience::Hardship => hardship,
        }
    }
}

impl LimitPeriod {
    /// The key of the period containing `at`: `2026-11-28`, `2026-11` or `total`.
    pub fn key_at(self, at: chrono::DateTime<chrono::Utc>) -> String {
        let day = crate::time::shanghai_date(at);
        match self {
            LimitPeriod::Day => crate::time::day_key(day),
            LimitPeriod::Month => crate::time::month_key(day),
            LimitPeriod::Total => self.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod audience_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn audiences_admit_the_right_members() {
        assert!(Audience::All.admits(LaborModelLevel::None, false));
        assert!(
            Audience::LaborModel.admits(LaborModelLevel::City, false)
                && !Audience::LaborModel.admits(LaborModelLevel::None, true)
        );
        assert!(
            Audience::Hardship.admits(LaborModelLevel::None, true)
                && !Audience::Hardship.admits(LaborModelLevel::National, false)
        );
    }

    #[test]
    fn periods_follow_the_shanghai_calendar() {
        // 2026-11-30 17:00 UTC is already 1 December in Shanghai.
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 30, 17, 0, 0)
            .single()
            .unwrap();
        assert_eq!(LimitPeriod::Day.key_at(at), "2026-12-01");
        assert_eq!(LimitPeriod::Month.key_at(at), "2026-12");
        assert_eq!(LimitPeriod::Total.key_at(at), "total");
    }
}

//! Calendar rules. Time is stored in UTC; days and months that matter to people (a member's daily
//! limit, a settlement day) are counted in Asia/Shanghai.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time. A fixed offset is exact: China has kept UTC+8 without daylight saving
/// since 1991, so no time-zone database is needed.
pub fn shanghai() -> FixedOffset {
    const EIGHT_HOURS: i32 = 8 * 3600;
    // 8 h is within the ±24 h bounds `east_opt` checks.
    FixedOffset::east_opt(EIGHT_HOURS).unwrap_or_else(|| unreachable!("+08:00 is a valid offset"))
}

/// The Asia/Shanghai calendar day an instant falls on.
pub fn shanghai_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The instant (UTC) at which the Asia/Shanghai day containing `at` began.
pub fn shanghai_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let midnight = shanghai_date(at).and_hms_opt(0, 0, 0).unwrap_or_default();
    (midnight - chrono::Duration::hours(8)).and_utc()
}

/// The instant (UTC) at which the next Asia/Shanghai day begins.
pub fn next_shanghai_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    shanghai_day_start(at) + chrono::Duration::days(1)
}

/// A calendar day as written on the wire and in the ledger: `YYYY-MM-DD`.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A calendar month as written on the wire and in the ledger: `YYYY-MM`.
pub fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// A `YYYY-MM-DD` day, if `raw` is one.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// The first day of a `YYYY-MM` month, if `raw` is one.
pub fn parse_month(raw: &str) -> Option<NaiveDate> {
    (raw.len() == 7)
        .then(|| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::{
        next_shanghai_day_start, parse_day, parse_month, shanghai_date, shanghai_day_start,
    };

    #[test]
    fn days_and_months_parse_only_in_their_own_shape() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        assert_eq!(parse_day("2026-02-28"), Some(day));
        assert_eq!(super::day_key(day), "2026-02-28");
        assert_eq!(super::month_key(day), "2026-02");
        for bad in ["2026-02-30", "", "2026-02-28x", "28.02.2026"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(parse_month("2026-02"), NaiveDate::from_ymd_opt(2026, 2, 1));
        for bad in ["2026-13", "2026-2", "2026-02-01", "", "202602"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn the_shanghai_day_starts_at_16_00_utc() {
        let cases = [
            ((2026, 11, 28, 15, 59, 59), (2026, 11, 28)),
            ((2026, 11, 28, 16, 0, 0), (2026, 11, 29)),
            ((2026, 12, 31, 16, 0, 0), (2027, 1, 1)),
        ];
        for ((y, mo, d, h, mi, s), (ey, em, ed)) in cases {
            let at = Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single();
            let expected = NaiveDate::from_ymd_opt(ey, em, ed);
            assert_eq!(at.map(shanghai_date), expected, "{at:?}");
        }
    }

    #[test]
    fn day_bounds_in_utc() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 28, 17, 30, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            shanghai_day_start(at),
            Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0)
                .single()
                .unwrap_or_default()
        );
        assert_eq!(
            next_shanghai_day_start(at),
            Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0)
                .single()
                .unwrap_or_default()
        );
    }
}

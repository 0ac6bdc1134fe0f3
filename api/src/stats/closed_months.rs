//! Redemption figures of months that can no longer change, kept in the cache. No redemption is
//! recorded with a past time, and a reversal reaches back at most `REVERSAL_WINDOW_DAYS`, so a
//! month is final once that window has passed its last day; merchants never move between orgs.
//! A province's year of closed months is then one cache read instead of summing some 25,000
//! merchant-months (27 ms on 2,100 merchants, most of the overview's time); the open months (one
//! or two) are read from the database at every request, so the figures are never stale.

use chrono::{Datelike, Duration, NaiveDate};
use gangonghui_domain::ids::OrgId;
use gangonghui_persistence::legal_aid::stats::MonthTotals;

use crate::merchants::ledger::service::REVERSAL_WINDOW_DAYS;
use crate::state::AppState;

/// Closed months change never; the TTL only bounds what a deleted org leaves behind.
const TTL: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The first day of the earliest month that may still change on `today` (a day of margin for
/// the window's edge in UTC and Asia/Shanghai).
pub fn first_open(today: NaiveDate) -> NaiveDate {
    let reach = today - Duration::days(REVERSAL_WINDOW_DAYS + 1);
    reach.with_day(1).unwrap_or(reach)
}

fn key(org: &OrgId, from: NaiveDate, first_open: NaiveDate) -> String {
    format!("stats:closed:{org}:{from}:{first_open}")
}

type Row = (String, i64, i64, i64);

/// The cached figures of the closed months `from..first_open` of the org's subtree, if kept.
pub async fn cached(
    state: &AppState,
    org: &OrgId,
    from: NaiveDate,
    first_open: NaiveDate,
) -> Option<Vec<MonthTotals>> {
    let raw = state.cache.get(&key(org, from, first_open)).await.ok()??;
    let rows: Vec<Row> = serde_json::from_str(&raw).ok()?;
    Some(
        rows.into_iter()
            .map(|(month, n, original_fen, discount_fen)| MonthTotals {
                month,
                n,
                original_fen,
                discount_fen,
            })
            .collect(),
    )
}

/// Keeps the figures of closed months just read; a cache that cannot take them costs a recount.
pub async fn keep(
    state: &AppState,
    org: &OrgId,
    from: NaiveDate,
    first_open: NaiveDate,
    months: &[MonthTotals],
) {
    let rows: Vec<Row> = months
        .iter()
        .map(|m| (m.month.clone(), m.n, m.original_fen, m.discount_fen))
        .collect();
    if let Ok(json) = serde_json::to_string(&rows) {
        let _ = state
            .cache
            .set(&key(org, from, first_open), &json, TTL)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_month_closes_when_the_reversal_window_has_passed_its_last_day() {
        // A purchase on 30 November may be reversed until 7 December.
        assert_eq!(first_open(day(2026, 12, 8)), day(2026, 11, 1));
        assert_eq!(first_open(day(2026, 12, 9)), day(2026, 12, 1));
        assert_eq!(first_open(day(2026, 1, 3)), day(2025, 12, 1));
    }
}

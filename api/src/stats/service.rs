//! The overview's figures, read in one database job from a handful of grouped queries.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::membership::MembershipStatus;
use gangonghui_domain::time::{month_key, shanghai_date};
use gangonghui_persistence::counts;
use gangonghui_persistence::legal_aid::stats::{self, CaseTotals, DecisionTimes};

use super::closed_months;
use super::dto::*;
use crate::auth::UnionAdmin;
use crate::http::ApiError;
use crate::orgs::service::scope_path;
use crate::state::AppState;

pub async fn overview(
    state: &AppState,
    admin: &UnionAdmin,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<OverviewDto, ApiError> {
    let now = state.clock.now();
    let org = admin.org_id.clone();
    let until = to.checked_add_months(Months::new(1)).unwrap_or(to);
    // Closed months from the cache when kept; the open ones (and any not kept) from the database.
    let first_open = closed_months::first_open(shanghai_date(now)).clamp(from, until);
    let kept = match from < first_open {
        true => closed_months::cached(state, &org, from, first_open).await,
        false => Some(Vec::new()),
    };
    let read_closed = kept.is_none();
    let (overview, closed) = state
        .db(move |c| {
            let scope = scope_path(c, &org)?;
            let heads = by_key(stats::headcounts(c, &scope)?);
            let head = |key: &str| heads.get(key).copied().unwrap_or(0);
            let closed = match kept {
                Some(kept) => kept,
                None => stats::redemptions_by_month(
                    c,
                    &scope,
                    &month_key(from),
                    &month_key(first_open),
                )?,
            };
            let mut months =
                stats::redemptions_by_month(c, &scope, &month_key(first_open), &month_key(until))?;
            months.extend(closed.iter().cloned());
            let cases = stats::cases_by_status_and_category(c, &scope)?;
            let decisions = stats::decision_times(c, &scope)?;
            let overdue_reviews = stats::overdue_reviews(c, &scope, now.naive_utc())?;
            let overview = OverviewDto {
                org_id: org,
                generated_at: now,
                members: MemberCounts {
                    active: head(&counts::member(MembershipStatus::Active.as_str())),
                    pending_applications: head("pending_application"),
                },
                active_cards: head(&counts::card(CardStatus::Active.as_str())),
                active_merchants: head("merchants"),
                redemptions: month_series(from, to, months),
                legal_aid: legal_aid(&cases, &decisions, overdue_reviews)?,
            };
            Ok((overview, closed))
        })
        .await?;
    if read_closed {
        closed_months::keep(state, &admin.org_id, from, first_open, &closed).await;
    }
    Ok(overview)
}

fn by_key(rows: Vec<stats::KeyCount>) -> HashMap<String, i64> {
    rows.into_iter().map(|r| (r.key, r.n)).collect()
}

/// Every month from `from` to `to`, with the totals the query found (zero otherwise).
fn month_series(from: NaiveDate, to: NaiveDate, found: Vec<stats::MonthTotals>) -> Vec<MonthDto> {
    let mut found: HashMap<String, stats::MonthTotals> =
        found.into_iter().map(|m| (m.month.clone(), m)).collect();
    let mut series = Vec::new();
    let mut month = from;
    while month <= to {
        let key = month_key(month);
        let totals = found.remove(&key);
        series.push(MonthDto {
            count: totals.as_ref().map_or(0, |t| t.n),
            original_fen: totals.as_ref().map_or(0, |t| t.original_fen),
            discount_fen: totals.as_ref().map_or(0, |t| t.discount_fen),
            month: key,
        });
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            break;
        };
        month = next;
    }
    series
}

fn legal_aid(
    cases: &[CaseTotals],
    decisions: &[DecisionTimes],
    overdue_reviews: i64,
) -> Result<LegalAidFigures, ApiError> {
    let overflow = || ApiError::internal(anyhow::anyhow!("recovered_fen total overflows i64"));
    let mut recovered_fen: i64 = 0;
    for row in cases {
        recovered_fen = recovered_fen
            .checked_add(row.recovered_fen)
            .ok_or_else(overflow)?;
    }
    let total =
        |pick: &dyn Fn(&CaseTotals) -> bool| cases.iter().filter(|r| pick(r)).map(|r| r.n).sum();
    Ok(LegalAidFigures {
        by_status: CaseStatus::ALL
            .iter()
            .map(|&status| StatusCount {
                status,
                count: total(&|r| r.status == status.as_str()),
            })
            .collect(),
        by_category: CaseCategory::ALL
            .iter()
            .map(|&category| CategoryCount {
                category,
                count: total(&|r| r.category == category.as_str()),
            })
            .collect(),
        recovered_fen,
        median_days_to_decision: median_days(decisions),
        overdue_reviews,
    })
}

/// The median of the decision times in days, to one decimal.
fn median_days(decisions: &[DecisionTimes]) -> Option<f64> {
    let mut seconds: Vec<i64> = decisions
        .iter()
        .map(|d| (d.decided_at - d.submitted_at).num_seconds())
        .collect();
    seconds.sort_unstable();
    let mid = seconds.len() / 2;
    // `None` when there are no decisions (then `mid` is 0 and nothing is there).
    let upper = *seconds.get(mid)?;
    let median = if seconds.len().is_multiple_of(2) {
        (*seconds.get(mid - 1)? + upper) as f64 / 2.0
    } else {
        upper as f64
    };
    Some((median / 86_400.0 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn took(days: &[i64]) -> Vec<DecisionTimes> {
        let t0 = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        days.iter()
            .map(|d| DecisionTimes {
                submitted_at: t0,
                decided_at: t0 + chrono::Duration::hours(d * 24),
            })
            .collect()
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median_days(&[]), None);
        assert_eq!(median_days(&took(&[5, 1, 3])), Some(3.0));
        assert_eq!(median_days(&took(&[1, 2, 3, 10])), Some(2.5));
    }

    #[test]
    fn the_month_series_has_every_month_of_the_range() {
        let day = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let found = vec![stats::MonthTotals {
            month: "2026-01".into(),
            n: 2,
            original_fen: 300,
            discount_fen: 30,
        }];
        let series = month_series(day(2025, 11), day(2026, 2), found);
        let months: Vec<_> = series.iter().map(|m| (m.month.as_str(), m.count)).collect();
        assert_eq!(
            months,
            [
                ("2025-11", 0),
                ("2025-12", 0),
                ("2026-01", 2),
                ("2026-02", 0)
            ]
        );
    }
}

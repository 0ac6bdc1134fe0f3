//! After the counter: reversals (冲正) within 7 days that give back the member's use and the
//! quota, the merchant's day ledger and monthly settlement, and the member's own history.

use chrono::{DateTime, Duration, Utc};
use gangonghui_domain::Role;
use gangonghui_domain::ids::{RedemptionId, ReversalId};
use gangonghui_domain::time::{day_key, shanghai_date};
use gangonghui_persistence::redemptions::{self, DayTotals, RedemptionRow, ReversalRow};
use gangonghui_persistence::{DbConn, ids, offers};

use crate::audit::{AuditEvent, RequestContext};
use crate::auth::Authenticated;
use crate::http::ApiError;
use crate::http::idempotency::{self, Keyed, Stored};
use crate::merchants::ledger::dto::ReversalDto;
use crate::merchants::{MerchantError, MerchantStaff};
use crate::metrics::record;
use crate::state::AppState;

pub const REVERSAL_WINDOW_DAYS: i64 = 7;

/// Reverses one of this merchant's redemptions, once, within the window (another merchant's
/// redemption is simply not found).
pub async fn reverse(
    state: &AppState,
    staff: &MerchantStaff,
    key: Keyed,
    redemption_id: RedemptionId,
    now: DateTime<Utc>,
    ctx: RequestContext,
) -> Result<Stored, ApiError> {
    let staff = staff.clone();
    let (stored, amounts) = state
        .db(move |conn| {
            let mut amounts = None;
            let stored = idempotency::once(conn, &key, now, |c| {
                let r = redemptions::find(c, &redemption_id)?.filter(|r| r.merchant_id == staff.merchant_id).ok_or(MerchantError::RedemptionNotFound)?;
                if now.naive_utc() - r.created_at > Duration::days(REVERSAL_WINDOW_DAYS) {
                    return Err(MerchantError::ReversalWindowPassed.into());
                }
                let reversal = ReversalRow {
                    id: ids::new_id::<ReversalId>(),
                    redemption_id: r.id.clone(),
                    merchant_id: r.merchant_id.clone(),
                    staff_account_id: staff.account_id.clone(),
                    original_fen: r.original_fen,
                    discount_fen: r.discount_fen,
                    payable_fen: r.payable_fen,
                    local_date: day_key(shanghai_date(now)),
                    created_at: now.naive_utc(),
                };
                if !redemptions::insert_reversal(c, &reversal, &r)? {
                    return Err(MerchantError::AlreadyReversed.into());
                }
                offers::give_back(c, &r.offer_id, &r.account_id, r.period_key.as_deref())?;
                AuditEvent::new("redemption.reverse", "redemption", &r.id)
                    .by(&staff.account_id, Role::MerchantStaff)
                    .detail(serde_json::json!({ "merchant_id": r.merchant_id, "discount_fen": r.discount_fen }))
                    .record(c, &ctx)?;
                amounts = Some((reversal.original_fen, reversal.discount_fen));
                Stored::ok(&ReversalDto::from(reversal))
            })?;
            Ok((stored, amounts))
        })
        .await?;
    // As for redemptions: only a fresh success committed the reversal.
    if let Some((original, discount)) =
        amounts.filter(|_| stored.status.is_success() && !stored.replayed)
    {
        record::reversed(original, discount);
    }
    Ok(stored)
}

/// A day's redemptions of the merchant with whether each was reversed.
pub async fn day(
    state: &AppState,
    staff: &MerchantStaff,
    local_date: String,
    after: Option<RedemptionId>,
    limit: i64,
) -> Result<Vec<(RedemptionRow, bool)>, ApiError> {
    let merchant = staff.merchant_id.clone();
    state
        .db(move |conn| {
            let rows =
                redemptions::for_merchant_day(conn, &merchant, &local_date, after.as_ref(), limit)?;
            Ok(with_reversed(conn, rows)?)
        })
        .await
}

/// The merchant's redemptions over all days, newest first, after the position `before`
/// (`(day, id)` of the last row seen), with whether each was reversed.
pub async fn history(
    state: &AppState,
    staff: &MerchantStaff,
    before: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<(RedemptionRow, bool)>, ApiError> {
    let merchant = staff.merchant_id.clone();
    state
        .db(move |conn| {
            let before = before.as_ref().map(|(d, i)| (d.as_str(), i.as_str()));
            let rows = redemptions::history_for_merchant(conn, &merchant, before, limit)?;
            Ok(with_reversed(conn, rows)?)
        })
        .await
}

/// Each row with whether it was reversed, in one query.
fn with_reversed(
    conn: &mut DbConn,
    rows: Vec<RedemptionRow>,
) -> diesel::QueryResult<Vec<(RedemptionRow, bool)>> {
    let reversed =
        redemptions::reversed_among(conn, &rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>())?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let was = reversed.contains(&r.id);
            (r, was)
        })
        .collect())
}

/// One settlement day: the day's redemptions less the reversals made that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementDay {
    pub date: String,
    pub count: i64,
    pub reversals: i64,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
}

pub async fn month(
    state: &AppState,
    staff: &MerchantStaff,
    month: String,
) -> Result<Vec<SettlementDay>, ApiError> {
    let merchant = staff.merchant_id.clone();
    let (sales, reversals) = state
        .db(move |conn| {
            Ok((
                redemptions::month_totals(conn, &merchant, &month, false)?,
                redemptions::month_totals(conn, &merchant, &month, true)?,
            ))
        })
        .await?;
    Ok(net(sales, reversals))
}

/// Nets reversals against sales day by day (a reversal counts on the day it is made).
pub fn net(sales: Vec<DayTotals>, reversals: Vec<DayTotals>) -> Vec<SettlementDay> {
    let mut days: std::collections::BTreeMap<String, SettlementDay> =
        std::collections::BTreeMap::new();
    for (t, sign) in sales
        .into_iter()
        .map(|t| (t, 1))
        .chain(reversals.into_iter().map(|t| (t, -1)))
    {
        let day = days
            .entry(t.local_date.clone())
            .or_insert_with(|| SettlementDay {
                date: t.local_date.clone(),
                count: 0,
                reversals: 0,
                original_fen: 0,
                discount_fen: 0,
                payable_fen: 0,
            });
        if sign > 0 {
            day.count += t.n;
        } else {
            day.reversals += t.n;
        }
        day.original_fen += sign * t.original_fen;
        day.discount_fen += sign * t.discount_fen;
        day.payable_fen += sign * t.payable_fen;
    }
    days.into_values().collect()
}

pub async fn mine(
    state: &AppState,
    auth: &Authenticated,
    before: Option<RedemptionId>,
    limit: i64,
) -> Result<Vec<RedemptionRow>, ApiError> {
    let account = auth.account_id.clone();
    state
        .db(move |conn| {
            Ok(redemptions::for_account(
                conn,
                &account,
                before.as_ref(),
                limit,
            )?)
        })
        .await
}

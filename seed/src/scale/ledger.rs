//! Redemptions over the last 24 months, day by day in time order (so ids append): more on
//! weekends and as the programme grows, between 08:00 and 22:00 Shanghai time, at merchants
//! drawn by a long-tailed popularity (a few chains take much of the trade), mostly by members of
//! the merchant's own city. Amounts are log-uniform between 10 and 500 yuan and priced by the
//! offer's own rules; an offer a member may not use (audience, per-member limit, threshold)
//! gives way to the merchant's everyday offer. About 0.3 % are reversed minutes later.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use gangonghui_domain::ids::{RedemptionId, ReversalId};
use gangonghui_domain::time::{day_key, shanghai_date, shanghai_day_start};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::bulk::{self, SetAside};
use gangonghui_persistence::offers;
use gangonghui_persistence::redemptions::{self, RedemptionRow, ReversalRow};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::bulk::{Pipeline, in_bulk_tx};
use super::people::Members;
use super::picker::Picker;
use super::shops::Shop;
use super::world::{MONTHS, World, new_id};

const BATCH: usize = 50_000;

#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub redemptions: usize,
    pub reversals: usize,
}

/// How many redemptions each day gets: growing over the period, a third more on weekends.
fn per_day(first: NaiveDate, days: usize, total: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let day = first + Duration::days(d as i64);
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            (0.6 + 0.8 * d as f64 / days as f64) * if weekend { 1.3 } else { 1.0 }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut given = 0usize;
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w;
            let upto = ((acc / sum) * total as f64).round() as usize;
            let n = upto.min(total) - given;
            given += n;
            n
        })
        .collect()
}

pub async fn generate(
    state: &gangonghui_api::AppState,
    world: &World,
    members: &Members,
    shops: &[Shop],
    total: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Written> {
    if total == 0 || shops.is_empty() || members.by_city.iter().all(Vec::is_empty) {
        return Ok(Written::default());
    }
    // Into an empty ledger, its secondary indexes are built once after the load.
    let set_aside = state
        .db(|c| {
            in_bulk_tx(c, |c| {
                if redemptions::any(c)? {
                    return Ok(SetAside::default());
                }
                Ok(bulk::set_aside_indexes(c, "redemptions")?)
            })
        })
        .await?;
    let loaded = load(state, world, members, shops, total, rng).await;
    let bar = super::spinner("redemption indexes");
    state
        .db(move |c| in_bulk_tx(c, |c| Ok(bulk::restore(c, set_aside)?)))
        .await?;
    bar.finish();
    loaded
}

async fn load(
    state: &gangonghui_api::AppState,
    world: &World,
    members: &Members,
    shops: &[Shop],
    total: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Written> {
    let mut written = Written::default();
    let mut picker = Picker::new(members, shops);
    let first_day = shanghai_date(world.history_start());
    let days = (MONTHS * 365 / 12) as usize;
    let mut pipeline = Pipeline::new(state, "redemptions", total);
    let (mut rows, mut reversals) = (Vec::with_capacity(BATCH), Vec::new());
    for (d, count) in per_day(first_day, days, total).into_iter().enumerate() {
        let day = first_day + Duration::days(d as i64);
        let opens = shanghai_day_start(world.history_start() + Duration::days(d as i64))
            + Duration::hours(8);
        let mut times: Vec<i64> = (0..count)
            .map(|_| rng.random_range(0..14 * 3_600_000))
            .collect();
        times.sort_unstable();
        for ms in times {
            let at = (opens + Duration::milliseconds(ms)).min(world.now - Duration::minutes(1));
            let s = picker.shop(rng);
            let Some(m) = picker.member(world, shops[s].city, rng) else {
                continue;
            };
            let Some(card) = members.usable_card[m as usize].clone() else {
                continue;
            };
            let amount = ((rng.random_range(1_000f64.ln()..50_000f64.ln())).exp() / 10.0).round()
                as i64
                * 10;
            let reversed = rng.random_bool(0.003);
            let (k, rules, quote) = picker.price(s, m, at, amount, rng);
            let row = RedemptionRow {
                id: new_id::<RedemptionId>(rng, at),
                merchant_id: shops[s].id.clone(),
                staff_account_id: shops[s].owner.clone(),
                api_key_id: None,
                card_id: card,
                account_id: members.ids[m as usize].clone(),
                offer_id: shops[s].offers[k].0.clone(),
                original_fen: quote.original.get(),
                discount_fen: quote.discount.get(),
                payable_fen: quote.payable.get(),
                code_step: step_at(at.timestamp()),
                period_key: rules.period_key(at),
                local_date: day_key(day),
                created_at: at.naive_utc(),
            };
            if reversed {
                if k > 0 {
                    picker.give_back(s, k, m);
                }
                let when = at + Duration::minutes(10);
                reversals.push(ReversalRow {
                    id: new_id::<ReversalId>(rng, when),
                    redemption_id: row.id.clone(),
                    merchant_id: row.merchant_id.clone(),
                    staff_account_id: row.staff_account_id.clone(),
                    original_fen: row.original_fen,
                    discount_fen: row.discount_fen,
                    payable_fen: row.payable_fen,
                    local_date: day_key(shanghai_date(when)),
                    created_at: when.naive_utc(),
                });
            }
            rows.push(row);
            if rows.len() >= BATCH {
                let batch = (std::mem::take(&mut rows), std::mem::take(&mut reversals));
                flush(&mut pipeline, &mut written, batch).await?;
            }
        }
    }
    let usage = picker.current_usage(world.now);
    flush(&mut pipeline, &mut written, (rows, reversals)).await?;
    pipeline.finish().await?;
    state
        .db(move |c| in_bulk_tx(c, |c| Ok(offers::insert_usages(c, &usage)?)))
        .await?;
    Ok(written)
}

/// Starts writing one batch and counts it as written.
async fn flush(
    pipeline: &mut Pipeline,
    written: &mut Written,
    (rows, reversals): (Vec<RedemptionRow>, Vec<ReversalRow>),
) -> anyhow::Result<()> {
    let count = rows.len();
    written.redemptions += count;
    written.reversals += reversals.len();
    pipeline
        .write(count, move |c| {
            redemptions::insert_many(c, &rows)?;
            redemptions::insert_reversals(c, &reversals)?;
            Ok(())
        })
        .await
}

//! Redemptions over the last 24 months, day by day in time order (so ids append): more on
//! weekends and as the programme grows, between 08:00 and 22:00 Shanghai time, at merchants
//! drawn by a long-tailed popularity (a few chains take much of the trade), mostly by members of
//! the merchant's own city. Amounts are log-uniform between 10 and 500 yuan and priced by the
//! offer's own rules; an offer a member may not use (audience, per-member limit, threshold)
//! gives way to the merchant's everyday offer. About 0.3 % are reversed minutes later.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use gangonghui_domain::Fen;
use gangonghui_domain::ids::{RedemptionId, ReversalId};
use gangonghui_domain::offer::{LimitPeriod, Offer};
use gangonghui_domain::time::{day_key, shanghai_date, shanghai_day_start};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::offers::{self, UsageRow};
use gangonghui_persistence::redemptions::{self, RedemptionRow, ReversalRow};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use gangonghui_persistence::bulk::{self, SetAside};

use super::bulk::{Pipeline, in_bulk_tx};
use super::people::Members;
use super::shops::Shop;
use super::world::{MONTHS, World, new_id};

const BATCH: usize = 50_000;

#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub redemptions: usize,
    pub reversals: usize,
}

/// Uses of limited offers: (member, shop * 4 + offer) -> (period number, uses in it).
type Usage = HashMap<(u32, u32), (u32, i32)>;

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

/// The period a limit counts in, as a number (days or months since the common era).
fn period_no(period: LimitPeriod, day: NaiveDate) -> u32 {
    match period {
        LimitPeriod::Day => day.num_days_from_ce() as u32,
        LimitPeriod::Month => (day.year() * 12 + day.month0() as i32) as u32,
        LimitPeriod::Total => 0,
    }
}

struct Picker<'a> {
    members: &'a Members,
    shops: &'a [Shop],
    /// Cumulative popularity of the shops (shop 0 the most popular).
    popularity: Vec<f64>,
    usage: Usage,
}

impl Picker<'_> {
    fn shop(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.popularity.last().copied().unwrap_or(1.0);
        let x = rng.random_range(0.0..total);
        self.popularity
            .partition_point(|c| *c <= x)
            .min(self.shops.len() - 1)
    }

    fn member(&self, world: &World, city: usize, rng: &mut ChaCha8Rng) -> Option<u32> {
        let city = if rng.random_bool(0.85) {
            city
        } else {
            world.city(rng)
        };
        let local = &self.members.by_city[city];
        let list = if local.is_empty() {
            self.members.by_city.iter().find(|l| !l.is_empty())?
        } else {
            local
        };
        Some(list[rng.random_range(0..list.len())])
    }

    /// The offer this purchase uses and its price; takes a use of a limited offer.
    fn price(
        &mut self,
        s: usize,
        m: u32,
        at: DateTime<Utc>,
        amount: i64,
        rng: &mut ChaCha8Rng,
    ) -> (usize, Offer, gangonghui_domain::offer::Quote) {
        let offers = &self.shops[s].offers;
        let k = rng.random_range(0..offers.len());
        let everyday = || {
            let rules = offers[0].1;
            let quote = rules.quote(Fen::new(amount)).ok();
            (0, rules, quote)
        };
        let (rules, holder) = (offers[k].1, self.members.holders[m as usize]);
        let chosen = (k > 0 && rules.admits(holder, at).is_ok())
            .then(|| rules.quote(Fen::new(amount)).ok())
            .flatten()
            .filter(|_| self.take_use(s, k, m, &rules, at));
        match chosen {
            Some(quote) => (k, rules, quote),
            None => {
                let (k, rules, quote) = everyday();
                // The everyday offer is a percent off: every positive amount has a price.
                (
                    k,
                    rules,
                    quote.unwrap_or(gangonghui_domain::offer::Quote {
                        original: Fen::new(amount),
                        discount: Fen::ZERO,
                        payable: Fen::new(amount),
                    }),
                )
            }
        }
    }

    fn take_use(&mut self, s: usize, k: usize, m: u32, rules: &Offer, at: DateTime<Utc>) -> bool {
        let Some(limit) = rules.member_limit else {
            return true;
        };
        let period = period_no(limit.period, shanghai_date(at));
        let entry = self
            .usage
            .entry((m, (s * 4 + k) as u32))
            .or_insert((period, 0));
        if entry.0 != period {
            *entry = (period, 0);
        }
        if entry.1 >= limit.uses {
            return false;
        }
        entry.1 += 1;
        true
    }
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
    let mut acc = 0.0;
    let popularity = (0..shops.len())
        .map(|j| {
            acc += 1.0 / (j as f64 + 5.0);
            acc
        })
        .collect();
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
    let loaded = load(state, world, members, shops, total, popularity, rng).await;
    let bar = super::spinner("redemption indexes");
    state
        .db(move |c| in_bulk_tx(c, |c| Ok(bulk::restore(c, set_aside)?)))
        .await?;
    bar.finish();
    loaded
}

#[allow(clippy::too_many_arguments)]
async fn load(
    state: &gangonghui_api::AppState,
    world: &World,
    members: &Members,
    shops: &[Shop],
    total: usize,
    popularity: Vec<f64>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Written> {
    let mut written = Written::default();
    let mut picker = Picker {
        members,
        shops,
        popularity,
        usage: HashMap::new(),
    };
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
                written.redemptions += rows.len();
                written.reversals += reversals.len();
                flush(
                    &mut pipeline,
                    std::mem::take(&mut rows),
                    std::mem::take(&mut reversals),
                )
                .await?;
            }
        }
    }
    written.redemptions += rows.len();
    written.reversals += reversals.len();
    let usage = current_usage(world, shops, members, &picker.usage);
    flush(&mut pipeline, rows, reversals).await?;
    pipeline.finish().await?;
    state
        .db(move |c| in_bulk_tx(c, |c| Ok(offers::insert_usages(c, &usage)?)))
        .await?;
    Ok(written)
}

impl Picker<'_> {
    fn give_back(&mut self, s: usize, k: usize, m: u32) {
        if let Some(entry) = self.usage.get_mut(&(m, (s * 4 + k) as u32)) {
            entry.1 = (entry.1 - 1).max(0);
        }
    }
}

async fn flush(
    pipeline: &mut Pipeline,
    rows: Vec<RedemptionRow>,
    reversals: Vec<ReversalRow>,
) -> anyhow::Result<()> {
    let count = rows.len();
    pipeline
        .write(count, move |c| {
            redemptions::insert_many(c, &rows)?;
            redemptions::insert_reversals(c, &reversals)?;
            Ok(())
        })
        .await
}

/// The uses that still count now: those of today's and this month's periods. Older periods
/// no longer limit anyone, so they are not written.
fn current_usage(world: &World, shops: &[Shop], members: &Members, usage: &Usage) -> Vec<UsageRow> {
    let today = shanghai_date(world.now);
    usage
        .iter()
        .filter_map(|((m, key), (period, used))| {
            let (s, k) = (*key as usize / 4, *key as usize % 4);
            let (offer, rules) = &shops[s].offers[k];
            let limit = rules.member_limit?;
            (*used > 0 && period_no(limit.period, today) == *period).then(|| UsageRow {
                offer_id: offer.clone(),
                account_id: members.ids[*m as usize].clone(),
                period_key: rules.period_key(world.now).unwrap_or_default(),
                used: *used,
            })
        })
        .collect()
}

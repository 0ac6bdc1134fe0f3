//! Who buys where, and with which offer: merchants drawn by a long-tailed popularity, members
//! mostly of the merchant's city, and the offer priced by its own rules, giving way to the
//! merchant's everyday offer where the member may not use the one drawn (audience, threshold,
//! per-member limit). It counts each member's uses of limited offers as it goes.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gangonghui_domain::Fen;
use gangonghui_domain::offer::{LimitPeriod, Offer, Quote};
use gangonghui_domain::time::shanghai_date;
use gangonghui_persistence::offers::UsageRow;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::people::Members;
use super::shops::Shop;
use super::world::World;

/// Uses of limited offers: (member, shop * 4 + offer) -> (period number, uses in it).
type Usage = HashMap<(u32, u32), (u32, i32)>;

/// The period a limit counts in, as a number (days or months since the common era).
fn period_no(period: LimitPeriod, day: NaiveDate) -> u32 {
    match period {
        LimitPeriod::Day => day.num_days_from_ce() as u32,
        LimitPeriod::Month => (day.year() * 12 + day.month0() as i32) as u32,
        LimitPeriod::Total => 0,
    }
}

pub struct Picker<'a> {
    members: &'a Members,
    shops: &'a [Shop],
    /// Cumulative popularity of the shops (shop 0 the most popular).
    popularity: Vec<f64>,
    usage: Usage,
}

impl<'a> Picker<'a> {
    pub fn new(members: &'a Members, shops: &'a [Shop]) -> Picker<'a> {
        let mut acc = 0.0;
        let popularity = (0..shops.len())
            .map(|j| {
                acc += 1.0 / (j as f64 + 5.0);
                acc
            })
            .collect();
        Picker {
            members,
            shops,
            popularity,
            usage: HashMap::new(),
        }
    }

    pub fn shop(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.popularity.last().copied().unwrap_or(1.0);
        let x = rng.random_range(0.0..total);
        self.popularity
            .partition_point(|c| *c <= x)
            .min(self.shops.len() - 1)
    }

    pub fn member(&self, world: &World, city: usize, rng: &mut ChaCha8Rng) -> Option<u32> {
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
    pub fn price(
        &mut self,
        s: usize,
        m: u32,
        at: DateTime<Utc>,
        amount: i64,
        rng: &mut ChaCha8Rng,
    ) -> (usize, Offer, Quote) {
        let offers = &self.shops[s].offers;
        let k = rng.random_range(0..offers.len());
        let rules = offers[k].1;
        if k > 0
            && rules.admits(self.members.holders[m as usize], at).is_ok()
            && let Ok(quote) = rules.quote(Fen::new(amount))
            && self.take_use(s, k, m, &rules, at)
        {
            return (k, rules, quote);
        }
        // The everyday offer is a percent off: every positive amount has a price.
        let everyday = offers[0].1;
        let quote = everyday.quote(Fen::new(amount)).unwrap_or(Quote {
            original: Fen::new(amount),
            discount: Fen::ZERO,
            payable: Fen::new(amount),
        });
        (0, everyday, quote)
    }

    /// A reversed purchase gives its use back.
    pub fn give_back(&mut self, s: usize, k: usize, m: u32) {
        if let Some(entry) = self.usage.get_mut(&(m, (s * 4 + k) as u32)) {
            entry.1 = (entry.1 - 1).max(0);
        }
    }

    /// The uses that still count at `now`: those of today's and this month's periods. Older
    /// periods no longer limit anyone, so they are not written.
    pub fn current_usage(&self, now: DateTime<Utc>) -> Vec<UsageRow> {
        let today = shanghai_date(now);
        self.usage
            .iter()
            .filter_map(|((m, key), (period, used))| {
                let (s, k) = (*key as usize / 4, *key as usize % 4);
                let (offer, rules) = &self.shops[s].offers[k];
                let limit = rules.member_limit?;
                (*used > 0 && period_no(limit.period, today) == *period).then(|| UsageRow {
                    offer_id: offer.clone(),
                    account_id: self.members.ids[*m as usize].clone(),
                    period_key: rules.period_key(now).unwrap_or_default(),
                    used: *used,
                })
            })
            .collect()
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

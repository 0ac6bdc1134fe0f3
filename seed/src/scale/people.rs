//! Members: an account each (劳模 and hardship shares as in a real province), an active
//! membership of a grassroots union of their city, and a card; some cards were lost (most of
//! those replaced: the old one cancelled, a new one active) or frozen.

use chrono::Duration;
use gangonghui_api::cards::service::mint;
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::ids::{AccountId, CardId};
use gangonghui_domain::membership::{LaborModelLevel, MembershipStatus};
use gangonghui_domain::offer::Holder;
use gangonghui_persistence::accounts::{self, NewAccount};
use gangonghui_persistence::cards::{self, NewCard};
use gangonghui_persistence::memberships::{self, NewMembership};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::bulk::{Pipeline, in_bulk_tx};
use super::world::{CITIES, World, new_id};

const BATCH: usize = 20_000;

/// What became of a member's card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Active,
    Frozen,
    Lost,
    /// Lost, and a new card issued: the old one cancelled.
    Replaced,
}

/// The generated members, by index: what later phases pick from.
pub struct Members {
    pub ids: Vec<AccountId>,
    /// The card that can be used at a counter, if any.
    pub usable_card: Vec<Option<CardId>>,
    pub holders: Vec<Holder>,
    /// City index (0..11) of each member's union.
    pub city: Vec<u8>,
    /// Member indexes of each city, those with a usable card only.
    pub by_city: Vec<Vec<u32>>,
}

impl Members {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

struct Person {
    city: usize,
    holder: Holder,
    fate: Fate,
}

fn person(world: &World, rng: &mut ChaCha8Rng) -> Person {
    // About 0.6 % 劳模 (most of them city level) and 3 % in hardship.
    let labor_model_level = match rng.random_range(0..10_000) {
        0..2 => LaborModelLevel::National,
        2..12 => LaborModelLevel::Provincial,
        12..60 => LaborModelLevel::City,
        _ => LaborModelLevel::None,
    };
    let fate = match rng.random_range(0..1000) {
        0..15 => Fate::Replaced,
        15..20 => Fate::Lost,
        20..23 => Fate::Frozen,
        _ => Fate::Active,
    };
    Person {
        city: world.city(rng),
        holder: Holder {
            labor_model_level,
            hardship: rng.random_bool(0.03),
        },
        fate,
    }
}

pub async fn generate(
    state: &gangonghui_api::AppState,
    world: &World,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Members> {
    let people: Vec<Person> = (0..n).map(|_| person(world, rng)).collect();
    // Card serials of each city, reserved at once: a replaced card has two.
    let mut needed = [0i64; 11];
    for p in &people {
        needed[p.city] += if p.fate == Fate::Replaced { 2 } else { 1 };
    }
    let first_serials = state
        .db(move |conn| {
            in_bulk_tx(conn, |c| {
                CITIES
                    .iter()
                    .zip(needed)
                    .map(|((city, ..), n)| cards::take_serials(c, i32::from(*city), n))
                    .collect::<Result<Vec<i64>, _>>()
                    .map_err(Into::into)
            })
        })
        .await?;
    let mut next_serial = first_serials;
    let joined_from = world.history_start() - Duration::days(365);
    let span_ms = (world.history_start() - joined_from)
        .num_milliseconds()
        .max(1);
    let mut members = Members {
        ids: Vec::with_capacity(n),
        usable_card: Vec::with_capacity(n),
        holders: Vec::with_capacity(n),
        city: Vec::with_capacity(n),
        by_city: vec![Vec::new(); 11],
    };
    let mut pipeline = Pipeline::new(state, "members", n);
    for (start, batch) in people
        .chunks(BATCH)
        .enumerate()
        .map(|(b, p)| (b * BATCH, p))
    {
        let mut rows = Rows::default();
        for (k, p) in batch.iter().enumerate() {
            let i = start + k;
            // Joined over the year before the history starts, in index order.
            let at = joined_from + Duration::milliseconds(span_ms * i as i64 / n.max(1) as i64);
            let id: AccountId = new_id(rng, at);
            let union = &world.unions[p.city][i % world.unions[p.city].len()];
            rows.accounts
                .push((id.clone(), format!("15{i:09}"), p.holder, at));
            rows.memberships.push((id.clone(), union.clone(), at));
            let city = CITIES[p.city].0;
            let mut card = |status: CardStatus, rng: &mut ChaCha8Rng| {
                let serial = next_serial[p.city];
                next_serial[p.city] += 1;
                let (no, secret) = mint(&state.data_keys, city, serial)?;
                let card: CardId = new_id(rng, at);
                rows.cards.push((
                    card.clone(),
                    id.clone(),
                    no.as_str().to_owned(),
                    status,
                    secret,
                    union.path.clone(),
                    at,
                ));
                Ok::<_, gangonghui_api::ApiError>(card)
            };
            let usable = match p.fate {
                Fate::Active => Some(card(CardStatus::Active, rng)?),
                Fate::Frozen => card(CardStatus::Frozen, rng).map(|_| None)?,
                Fate::Lost => card(CardStatus::Lost, rng).map(|_| None)?,
                Fate::Replaced => {
                    card(CardStatus::Cancelled, rng)?;
                    Some(card(CardStatus::Active, rng)?)
                }
            };
            if usable.is_some() {
                members.by_city[p.city].push(i as u32);
            }
            members.ids.push(id);
            members.usable_card.push(usable);
            members.holders.push(p.holder);
            members.city.push(p.city as u8);
        }
        let hash = world.password_hash.clone();
        let count = batch.len();
        pipeline.write(count, move |c| rows.write(c, &hash)).await?;
    }
    pipeline.finish().await?;
    Ok(members)
}

/// One batch's rows, owned, on their way to the database thread.
#[derive(Default)]
struct Rows {
    accounts: Vec<(AccountId, String, Holder, chrono::DateTime<chrono::Utc>)>,
    memberships: Vec<(
        AccountId,
        super::world::Union,
        chrono::DateTime<chrono::Utc>,
    )>,
    #[allow(clippy::type_complexity)]
    cards: Vec<(
        CardId,
        AccountId,
        String,
        CardStatus,
        String,
        String,
        chrono::DateTime<chrono::Utc>,
    )>,
}

impl Rows {
    fn write(
        &self,
        c: &mut gangonghui_persistence::DbConn,
        hash: &str,
    ) -> Result<(), gangonghui_api::ApiError> {
        let accounts: Vec<NewAccount<'_>> = self
            .accounts
            .iter()
            .map(|(id, phone, holder, at)| NewAccount {
                labor_model_level: holder.labor_model_level,
                hardship: holder.hardship,
                ..NewAccount::new(id, phone, Some(hash), "会员", at.naive_utc())
            })
            .collect();
        accounts::insert_many(c, &accounts)?;
        let memberships: Vec<NewMembership<'_>> = self
            .memberships
            .iter()
            .map(|(id, union, at)| NewMembership {
                account_id: id,
                org_id: &union.id,
                org_path: &union.path,
                status: MembershipStatus::Active,
                since: at.naive_utc(),
            })
            .collect();
        memberships::insert_many(c, &memberships)?;
        let cards: Vec<NewCard<'_>> = self
            .cards
            .iter()
            .map(|(id, account, no, status, secret, path, at)| NewCard {
                id,
                account_id: account,
                card_no: no,
                status: *status,
                secret_enc: secret,
                org_path: path,
                issued_at: at.naive_utc(),
                status_changed_at: at.naive_utc(),
            })
            .collect();
        cards::insert_many(c, &cards)?;
        Ok(())
    }
}

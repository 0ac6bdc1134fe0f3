//! Merchants around their city's centre (as many per city as its population gives), each with
//! an owner account and 1-3 offers: a percent-off for everyone, often an amount-off over a
//! threshold limited per member and month, sometimes a 劳模 or hardship offer limited per day.

use chrono::Duration;
use gangonghui_api::ApiError;
use gangonghui_domain::ids::{AccountId, MerchantId, OfferId};
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_domain::offer::{Audience, LimitPeriod, Offer, OfferStatus, OfferType};
use gangonghui_persistence::accounts::{self, NewAccount};
use gangonghui_persistence::merchants as shops;
use gangonghui_persistence::offers::{self, OfferRow};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::bulk::Pipeline;
use super::world::{CITIES, World, new_id};
use crate::credit_code;

const BATCH: usize = 500;

pub struct Shop {
    pub id: MerchantId,
    pub owner: AccountId,
    pub city: usize,
    /// The offers and their rules; the first is for everyone and unlimited.
    pub offers: Vec<(OfferId, Offer)>,
}

fn offer_rows(
    rng: &mut ChaCha8Rng,
    merchant: &MerchantId,
    from: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
) -> Vec<OfferRow> {
    let base = |title: &str, kind: OfferType, rng: &mut ChaCha8Rng| OfferRow {
        id: new_id(rng, from),
        merchant_id: merchant.clone(),
        title: title.into(),
        kind,
        percent_off_bp: None,
        threshold_fen: None,
        off_fen: None,
        max_discount_fen: None,
        per_member_limit: None,
        limit_period: None,
        total_quota: None,
        used_quota: 0,
        audience: Audience::All,
        starts_at: from.naive_utc(),
        ends_at: until.naive_utc(),
        status: OfferStatus::Active,
        created_at: from.naive_utc(),
        updated_at: from.naive_utc(),
    };
    let bp = rng.random_range(5..=15) * 100;
    let mut rows = vec![OfferRow {
        percent_off_bp: Some(bp),
        max_discount_fen: Some(5_000),
        ..base(
            &format!("会员 {} 折", (10_000 - bp) / 1000),
            OfferType::PercentOff,
            rng,
        )
    }];
    if rng.random_bool(0.5) {
        rows.push(OfferRow {
            threshold_fen: Some(10_000),
            off_fen: Some(1_500),
            per_member_limit: Some(2),
            limit_period: Some(LimitPeriod::Month.as_str().into()),
            ..base("满100减15", OfferType::AmountOff, rng)
        });
    }
    if rng.random_bool(0.25) {
        let audience = if rng.random_bool(0.5) {
            Audience::LaborModel
        } else {
            Audience::Hardship
        };
        rows.push(OfferRow {
            percent_off_bp: Some(2_000),
            max_discount_fen: Some(10_000),
            per_member_limit: Some(1),
            limit_period: Some(LimitPeriod::Day.as_str().into()),
            audience,
            ..base("关爱 8 折", OfferType::PercentOff, rng)
        });
    }
    rows
}

pub async fn generate(
    state: &gangonghui_api::AppState,
    world: &World,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Vec<Shop>> {
    let from = world.history_start() - Duration::days(30);
    let until = world.now + Duration::days(365);
    let mut made = Vec::with_capacity(n);
    let mut pipeline = Pipeline::new(state, "merchants", n);
    for start in (0..n).step_by(BATCH) {
        let mut batch = Vec::new();
        for j in start..(start + BATCH).min(n) {
            let city = world.city(rng);
            let (number, _, (lat0, lng0)) = CITIES[city];
            let id: MerchantId = new_id(rng, from);
            let owner: AccountId = new_id(rng, from);
            let offers = offer_rows(rng, &id, from, until);
            let place = (
                lat0 + rng.random_range(-0.12..0.12),
                lng0 + rng.random_range(-0.12..0.12),
            );
            let category = Category::ALL[rng.random_range(0..Category::ALL.len())];
            let rules = offers
                .iter()
                .map(|o| Ok((o.id.clone(), o.rules().map_err(ApiError::internal)?)))
                .collect::<Result<Vec<_>, ApiError>>()?;
            made.push(Shop {
                id: id.clone(),
                owner: owner.clone(),
                city,
                offers: rules,
            });
            batch.push((j, number, id, owner, offers, place, category));
        }
        let (hash, cities) = (world.password_hash.clone(), world.city_paths.clone());
        let count = batch.len();
        pipeline
            .write(count, move |c| {
                for (j, number, id, owner, offers, (lat, lng), category) in batch {
                    let at = from.naive_utc();
                    let phone = format!("17{j:09}");
                    let name = format!("商户{j}");
                    let code = format!("36{number:02}00");
                    let credit = credit_code(&format!("9136{number:02}00{j:09}"))?;
                    let city_path = &cities[usize::from(number) - 1].1;
                    accounts::insert(c, &NewAccount::new(&owner, &phone, Some(&hash), "店主", at))?;
                    shops::insert(
                        c,
                        &shops::NewMerchant {
                            id: &id,
                            name: &name,
                            credit_code: &credit,
                            category,
                            division_code: &code,
                            city: i32::from(number),
                            org_path: city_path,
                            address: &name,
                            lat,
                            lng,
                            contact_phone: &phone,
                            status: MerchantStatus::Active,
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                    shops::add_staff(c, &id, &owner, true, at)?;
                    for offer in &offers {
                        offers::insert(c, offer)?;
                    }
                }
                Ok(())
            })
            .await?;
    }
    pipeline.finish().await?;
    Ok(made)
}

//! `gangonghui seed --members N --merchants M --redemptions R`: a realistic large data set for
//! benchmarks, written in batches.

// A benchmark data generator: its indexes are counters and random picks within the lengths
// it just built, and a panic here stops an operator's command, never a request.
#![allow(clippy::indexing_slicing)]

use gangonghui_api::ApiError;
use gangonghui_api::AppState;
use gangonghui_api::cards::service::mint;
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::ids::{AccountId, CardId, MerchantId, OfferId, OrgId};
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_domain::offer::{Audience, OfferStatus, OfferType};
use gangonghui_domain::org::{OrgLevel, child_path};
use gangonghui_domain::time::{day_key, shanghai_date};
use gangonghui_persistence::accounts::{self, NewAccount};
use gangonghui_persistence::cards::{self as card_rows, NewCard};
use gangonghui_persistence::orgs::{self, NewOrg};
use gangonghui_persistence::{ids, write_tx};

use crate::credit_code;

/// Rough centres of the 11 cities, for spreading generated merchants.
const CITY_CENTRES: [(f64, f64); 11] = [
    (28.68, 115.86),
    (29.27, 117.18),
    (27.62, 113.85),
    (29.71, 116.00),
    (27.82, 114.92),
    (28.26, 117.07),
    (25.83, 114.93),
    (27.11, 114.99),
    (27.80, 114.42),
    (27.95, 116.36),
    (28.45, 117.94),
];

pub struct BulkSummary {
    pub members: usize,
    pub merchants: usize,
    pub redemptions: usize,
}

/// A realistic large data set for benchmarks: `members` verified members with active cards
/// spread over the 11 cities, `merchants` active merchants near the city centres with one
/// unlimited offer each, and `redemptions` historical redemptions over the last 30 days.
/// Written in batches of 1,000 rows per transaction.
pub async fn bulk(
    state: &AppState,
    members: usize,
    merchants: usize,
    redemptions: usize,
) -> anyhow::Result<BulkSummary> {
    let now = state.clock.now();
    use gangonghui_persistence::{memberships, merchants as shops, offers, redemptions as ledger};
    use rand::Rng;
    const BATCH: usize = 1000;
    let mut unions = Vec::new();
    for city in 1..=11u8 {
        let code = format!("36{city:02}00");
        let union = state
            .db(move |conn| {
                write_tx(conn, |c| {
                    let city = orgs::find_by_division(c, &code)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("city {code} missing"))
                    })?;
                    let name = format!("基准测试工会{code}");
                    if let Some(u) = orgs::child_named(c, &city.id, &name)? {
                        return Ok::<_, ApiError>((u.id, u.path));
                    }
                    let id: OrgId = ids::new_id();
                    let path = child_path(&city.path, id.as_str());
                    orgs::insert(
                        c,
                        &NewOrg {
                            id: &id,
                            name: &name,
                            level: OrgLevel::Grassroots,
                            division_code: None,
                            parent_id: Some(&city.id),
                            path: &path,
                            created_at: now.naive_utc(),
                        },
                    )?;
                    Ok((id, path))
                })
            })
            .await?;
        // The card numbers' city part is the loop's city; no need to look it up per batch.
        unions.push((union.0, union.1, city));
    }
    let mut member_ids = Vec::with_capacity(members);
    let mut card_ids = Vec::with_capacity(members);
    for start in (0..members).step_by(BATCH) {
        let (keys, unions) = (state.data_keys.clone(), unions.clone());
        let end = (start + BATCH).min(members);
        let batch = state
            .db(move |conn| {
                write_tx(conn, |c| {
                    // A thousand members in a handful of statements: the row-by-row path
                    // (about six statements a member) took minutes for 100,000.
                    let now = now.naive_utc();
                    let ids: Vec<AccountId> = (start..end).map(|_| ids::new_id()).collect();
                    let phones: Vec<String> = (start..end).map(|i| format!("15{i:09}")).collect();
                    let rows: Vec<NewAccount<'_>> = ids
                        .iter()
                        .zip(&phones)
                        .map(|(id, phone)| NewAccount::new(id, phone, None, "会员", now))
                        .collect();
                    accounts::insert_many(c, &rows)?;
                    let mut made = Vec::new();
                    for (u, (union_id, union_path, city)) in unions.iter().enumerate() {
                        let members: Vec<AccountId> = (start..end)
                            .filter(|i| i % unions.len() == u)
                            .map(|i| ids[i - start].clone())
                            .collect();
                        if members.is_empty() {
                            continue;
                        }
                        memberships::activate_many(c, &members, union_id, union_path, now)?;
                        let first =
                            card_rows::take_serials(c, i32::from(*city), members.len() as i64)?;
                        let minted = (first..)
                            .take(members.len())
                            .map(|serial| {
                                let (no, secret) = mint(&keys, *city, serial)?;
                                Ok((ids::new_id::<CardId>(), no, secret))
                            })
                            .collect::<Result<Vec<_>, ApiError>>()?;
                        let rows: Vec<NewCard<'_>> = minted
                            .iter()
                            .zip(&members)
                            .map(|((id, no, secret), member)| NewCard {
                                id,
                                account_id: member,
                                card_no: no.as_str(),
                                status: CardStatus::Active,
                                secret_enc: secret,
                                org_path: union_path,
                                issued_at: now,
                                status_changed_at: now,
                            })
                            .collect();
                        card_rows::insert_many(c, &rows)?;
                        made.extend(members.into_iter().zip(minted.into_iter().map(|m| m.0)));
                    }
                    Ok::<_, ApiError>(made)
                })
            })
            .await?;
        for (member, card) in batch {
            member_ids.push(member);
            card_ids.push(card);
        }
    }
    let mut shop_offers = Vec::with_capacity(merchants);
    for start in (0..merchants).step_by(BATCH) {
        let end = (start + BATCH).min(merchants);
        let batch = state
            .db(move |conn| {
                write_tx(conn, |c| {
                    let now = now.naive_utc();
                    let mut rng = rand::rng();
                    let mut made = Vec::new();
                    for j in start..end {
                        let city = (j % 11) as u8 + 1;
                        let (lat0, lng0) = CITY_CENTRES[usize::from(city - 1)];
                        let credit = credit_code(&format!("9136{city:02}00{j:09}"))?;
                        let (merchant, owner, phone) = (
                            ids::new_id::<MerchantId>(),
                            ids::new_id::<AccountId>(),
                            format!("17{j:09}"),
                        );
                        accounts::insert(c, &NewAccount::new(&owner, &phone, None, "店主", now))?;
                        let city_code = format!("36{city:02}00");
                        let city_org = orgs::find_by_division(c, &city_code)?
                            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("city missing")))?;
                        let name = format!("商户{j}");
                        shops::insert(
                            c,
                            &shops::NewMerchant {
                                id: &merchant,
                                name: &name,
                                credit_code: &credit,
                                category: Category::ALL[j % 7],
                                division_code: &city_code,
                                city: i32::from(city),
                                org_path: &city_org.path,
                                address: &name,
                                lat: lat0 + rng.random_range(-0.15..0.15),
                                lng: lng0 + rng.random_range(-0.15..0.15),
                                contact_phone: &phone,
                                status: MerchantStatus::Active,
                                created_at: now,
                                updated_at: now,
                            },
                        )?;
                        shops::add_staff(c, &merchant, &owner, true, now)?;
                        let offer: OfferId = ids::new_id();
                        offers::insert(
                            c,
                            &offers::OfferRow {
                                id: offer.clone(),
                                merchant_id: merchant.clone(),
                                title: "会员 9 折".into(),
                                kind: OfferType::PercentOff,
                                percent_off_bp: Some(1000),
                                threshold_fen: None,
                                off_fen: None,
                                max_discount_fen: None,
                                per_member_limit: None,
                                limit_period: None,
                                total_quota: None,
                                used_quota: 0,
                                audience: Audience::All,
                                starts_at: now - chrono::Duration::days(60),
                                ends_at: now + chrono::Duration::days(365),
                                status: OfferStatus::Active,
                                created_at: now,
                                updated_at: now,
                            },
                        )?;
                        made.push((merchant, owner, offer));
                    }
                    Ok::<_, ApiError>(made)
                })
            })
            .await?;
        shop_offers.extend(batch);
    }
    for start in (0..redemptions).step_by(BATCH) {
        let end = (start + BATCH).min(redemptions);
        let (members, cards, shops) = (member_ids.clone(), card_ids.clone(), shop_offers.clone());
        if members.is_empty() || shops.is_empty() {
            break;
        }
        state
            .db(move |conn| {
                write_tx(conn, |c| {
                    let mut rng = rand::rng();
                    let rows: Vec<_> = (start..end)
                        .map(|_| {
                            let m = rng.random_range(0..members.len());
                            let (merchant, owner, offer) = &shops[rng.random_range(0..shops.len())];
                            let at =
                                now - chrono::Duration::seconds(rng.random_range(0..30 * 86_400));
                            let original = rng.random_range(100..100_000i64);
                            let discount = (original * 1000 + 5000) / 10_000;
                            ledger::RedemptionRow {
                                id: ids::new_id(),
                                merchant_id: merchant.clone(),
                                staff_account_id: owner.clone(),
                                api_key_id: None,
                                card_id: cards[m].clone(),
                                account_id: members[m].clone(),
                                offer_id: offer.clone(),
                                original_fen: original,
                                discount_fen: discount,
                                payable_fen: original - discount,
                                code_step: gangonghui_domain::totp::step_at(at.timestamp()),
                                period_key: None,
                                local_date: day_key(shanghai_date(at)),
                                created_at: at.naive_utc(),
                            }
                        })
                        .collect();
                    ledger::insert_many(c, &rows)?;
                    Ok::<_, ApiError>(())
                })
            })
            .await?;
    }
    Ok(BulkSummary {
        members: member_ids.len(),
        merchants: shop_offers.len(),
        redemptions,
    })
}

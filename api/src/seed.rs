//! `gangonghui seed --demo`: a small data set to try the API with: the org tree with a
//! grassroots union in Nanchang and in Ganzhou, one union admin per city, members with verified
//! names, active memberships and cards, and three merchants (owners can log in) with an offer
//! each. Running it again changes nothing.

use gangonghui_domain::account::NewPassword;
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_domain::offer::{Audience, LimitPeriod, OfferStatus, OfferType};
use gangonghui_domain::org::OrgLevel;
use gangonghui_domain::{Phone, ResidentId, Role};
use gangonghui_persistence::accounts::{self, NewAccount};
use gangonghui_persistence::cards::{self as card_rows, NewCard};
use gangonghui_persistence::orgs::{self, NewOrg};
use gangonghui_persistence::{ids, memberships, write_tx};

use crate::auth::account::store_real_name;
use crate::auth::operators::{OrgRef, create_or_promote};
use crate::auth::password;
use crate::cards::service::{issue, mint};
use crate::http::ApiError;
use crate::state::AppState;

pub const DEMO_PASSWORD: &str = "demo2026pw";
const CITIES: [&str; 11] = [
    "360100", "360200", "360300", "360400", "360500", "360600", "360700", "360800", "360900",
    "361000", "361100",
];
/// (phone, display name, legal name, resident ID, union)
const MEMBERS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "13800000101",
        "王师傅",
        "王建国",
        "11010519491231002X",
        "江铃汽车集团工会",
    ),
    (
        "13800000102",
        "李姐",
        "李秀英",
        "360102199003071236",
        "江铃汽车集团工会",
    ),
    (
        "13800000103",
        "刘工",
        "刘德华",
        "360702198511114560",
        "赣州稀土集团工会",
    ),
];
const UNIONS: [(&str, &str); 2] = [
    ("360100", "江铃汽车集团工会"),
    ("360700", "赣州稀土集团工会"),
];

struct DemoShop {
    owner_phone: &'static str,
    name: &'static str,
    /// The first 17 characters of the credit code; the check character is computed.
    credit_body: &'static str,
    category: Category,
    division: &'static str,
    lat: f64,
    lng: f64,
    offer_title: &'static str,
    percent_off_bp: i64,
}

const MERCHANTS: [DemoShop; 3] = [
    DemoShop {
        owner_phone: "13700000101",
        name: "老表家常菜",
        credit_body: "91360102MA35DEMX1",
        category: Category::Dining,
        division: "360102",
        lat: 28.6829,
        lng: 115.8930,
        offer_title: "会员 88 折",
        percent_off_bp: 1200,
    },
    DemoShop {
        owner_phone: "13700000102",
        name: "八一广场书店",
        credit_body: "91360103MA35DEMX2",
        category: Category::Education,
        division: "360103",
        lat: 28.6742,
        lng: 115.9060,
        offer_title: "会员 9 折",
        percent_off_bp: 1000,
    },
    DemoShop {
        owner_phone: "13700000103",
        name: "赣州脐橙果行",
        credit_body: "91360702MA35DEMX3",
        category: Category::Retail,
        division: "360702",
        lat: 25.8310,
        lng: 114.9330,
        offer_title: "会员 95 折",
        percent_off_bp: 500,
    },
];

pub struct DemoSummary {
    pub admins: Vec<(String, String)>,
    pub members: Vec<(String, String)>,
    pub merchants: Vec<(String, String)>,
}

pub async fn demo(state: &AppState) -> anyhow::Result<DemoSummary> {
    let now = state.clock.now();
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut admins = Vec::new();
    for (i, division) in CITIES.iter().enumerate() {
        let phone =
            Phone::parse(&format!("139000001{:02}", i + 1)).map_err(|e| anyhow::anyhow!("{e}"))?;
        create_or_promote(
            state,
            phone.clone(),
            Some(password.clone()),
            Role::UnionAdmin,
            OrgRef::Division((*division).into()),
            None,
        )
        .await?;
        admins.push((phone.as_str().to_owned(), (*division).to_owned()));
    }
    for (division, name) in UNIONS {
        let (division, name) = (division.to_owned(), name.to_owned());
        state
            .db(move |conn| {
                write_tx(conn, |c| {
                    let city = orgs::find_by_division(c, &division)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("city {division} missing"))
                    })?;
                    if orgs::child_named(c, &city.id, &name)?.is_none() {
                        let id = ids::new_id();
                        let path = format!("{}{id}/", city.path);
                        let org = NewOrg {
                            id: &id,
                            name: &name,
                            level: OrgLevel::Grassroots,
                            division_code: None,
                            parent_id: Some(&city.id),
                            path: &path,
                            created_at: now.naive_utc(),
                        };
                        orgs::insert(c, &org)?;
                    }
                    Ok::<_, ApiError>(())
                })
            })
            .await?;
    }
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut members = Vec::new();
    for (phone, display, legal, id_number, union) in MEMBERS {
        let (keys, hash, today) = (state.data_keys.clone(), hash.clone(), now.date_naive());
        let id_number = ResidentId::parse(id_number, today).map_err(|e| anyhow::anyhow!("{e}"))?;
        state
            .db(move |conn| {
                write_tx(conn, |c| {
                    if accounts::find_by_phone(c, phone)?.is_some() {
                        return Ok::<_, ApiError>(());
                    }
                    let (id, now) = (ids::new_id(), now.naive_utc());
                    accounts::insert(c, &NewAccount::new(&id, phone, Some(&hash), display, now))?;
                    store_real_name(c, &keys, &id, legal, &id_number, now)?;
                    let union = orgs::find_by_name(c, union)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("union {union} missing"))
                    })?;
                    let application = ids::new_id();
                    memberships::insert_application(
                        c,
                        &memberships::NewApplication {
                            id: &application,
                            account_id: &id,
                            org_id: &union.id,
                            org_path: &union.path,
                            employer: "演示单位",
                            status: ApplicationStatus::Approved,
                            created_at: now,
                        },
                    )?;
                    memberships::record_event(
                        c,
                        &application,
                        &id,
                        None,
                        ApplicationStatus::Approved,
                        None,
                        Some("seed --demo"),
                        now,
                    )?;
                    memberships::activate(c, &id, &union.id, &union.path, now)?;
                    issue(c, &keys, &id, &union.path, now)?;
                    Ok(())
                })
            })
            .await?;
        members.push((phone.to_owned(), union.to_owned()));
    }
    let mut merchants = Vec::new();
    for DemoShop {
        owner_phone: phone,
        name,
        credit_body,
        category,
        division,
        lat,
        lng,
        offer_title: title,
        percent_off_bp: bp,
    } in MERCHANTS
    {
        let (hash, credit) = (hash.clone(), credit_code(credit_body)?);
        state
            .db(move |conn| {
                write_tx(conn, |c| {
                    if gangonghui_persistence::merchants::find_by_credit_code(c, &credit)?.is_some()
                    {
                        return Ok::<_, ApiError>(());
                    }
                    let now = now.naive_utc();
                    let owner = match accounts::find_by_phone(c, phone)? {
                        Some(a) => a.id,
                        None => {
                            let id = ids::new_id();
                            accounts::insert(
                                c,
                                &NewAccount::new(&id, phone, Some(&hash), "店主", now),
                            )?;
                            id
                        }
                    };
                    let city_code = format!("{}00", &division[..4]);
                    let city = orgs::find_by_division(c, &city_code)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("city {city_code} missing"))
                    })?;
                    let merchant = ids::new_id();
                    gangonghui_persistence::merchants::insert(
                        c,
                        &gangonghui_persistence::merchants::NewMerchant {
                            id: &merchant,
                            name,
                            credit_code: &credit,
                            category,
                            division_code: division,
                            city: DivisionCode::parse(division)
                                .ok()
                                .and_then(|d| d.city())
                                .map_or(1, i32::from),
                            org_path: &city.path,
                            address: name,
                            lat,
                            lng,
                            contact_phone: phone,
                            status: MerchantStatus::Active,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                    gangonghui_persistence::merchants::add_staff(c, &merchant, &owner, true, now)?;
                    gangonghui_persistence::offers::insert(
                        c,
                        &gangonghui_persistence::offers::OfferRow {
                            id: ids::new_id(),
                            merchant_id: merchant,
                            title: title.into(),
                            kind: OfferType::PercentOff,
                            percent_off_bp: Some(bp),
                            threshold_fen: None,
                            off_fen: None,
                            max_discount_fen: Some(5000),
                            per_member_limit: Some(3),
                            limit_period: Some(LimitPeriod::Day.into()),
                            total_quota: None,
                            used_quota: 0,
                            audience: Audience::All,
                            starts_at: now,
                            ends_at: now + chrono::Duration::days(365),
                            status: OfferStatus::Active,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                    Ok(())
                })
            })
            .await?;
        merchants.push((phone.to_owned(), name.to_owned()));
    }
    Ok(DemoSummary {
        admins,
        members,
        merchants,
    })
}

fn credit_code(body: &str) -> Result<String, ApiError> {
    let check = gangonghui_domain::credit_code::check_character(body.as_bytes())
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("bad generated credit code {body}")))?;
    Ok(format!("{body}{}", check as char))
}

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
                    let id = ids::new_id();
                    let path = format!("{}{id}/", city.path);
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
                    let ids: Vec<String> = (start..end).map(|_| ids::new_id()).collect();
                    let phones: Vec<String> = (start..end).map(|i| format!("15{i:09}")).collect();
                    let rows: Vec<NewAccount<'_>> = ids
                        .iter()
                        .zip(&phones)
                        .map(|(id, phone)| NewAccount::new(id, phone, None, "会员", now))
                        .collect();
                    accounts::insert_many(c, &rows)?;
                    let mut made = Vec::new();
                    for (u, (union_id, union_path, city)) in unions.iter().enumerate() {
                        let members: Vec<String> = (start..end)
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
                                Ok((ids::new_id(), no, secret))
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
                        let (merchant, owner, phone) =
                            (ids::new_id(), ids::new_id(), format!("17{j:09}"));
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
                        let offer = ids::new_id();
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
                                local_date: gangonghui_domain::time::shanghai_date(at)
                                    .format("%Y-%m-%d")
                                    .to_string(),
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

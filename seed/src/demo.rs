//! `gangonghui seed --demo`: a small data set to try the API with: the org tree with a
//! grassroots union in Nanchang and in Ganzhou, one union admin and one legal-aid officer per
//! city (`demo_legal_aid`, with a few legal-aid requests), members with verified
//! names, active memberships and cards, and three merchants (owners can log in) with an offer
//! each. Running it again changes nothing.

use gangonghui_api::ApiError;
use gangonghui_api::AppState;
use gangonghui_api::auth::account::store_real_name;
use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::auth::password;
use gangonghui_api::cards::service::issue;
use gangonghui_domain::account::NewPassword;
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_domain::offer::{Audience, LimitPeriod, OfferStatus, OfferType};
use gangonghui_domain::{Phone, ResidentId, Role};
use gangonghui_persistence::accounts::{self, NewAccount};
use gangonghui_persistence::orgs;
use gangonghui_persistence::{ids, memberships, write_tx};

use crate::credit_code;

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
    pub officers: Vec<(String, String)>,
    pub cases: usize,
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
    let officers = crate::demo_legal_aid::officers(state, &CITIES, &password).await?;
    for (division, name) in UNIONS {
        let (division, name) = (division.to_owned(), name.to_owned());
        state
            .db(move |conn| {
                write_tx(conn, |c| {
                    let city = orgs::find_by_division(c, &division)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("city {division} missing"))
                    })?;
                    crate::grassroots_union(c, &city, &name, &ids::new_id(), now.naive_utc())?;
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
                    let city_code = format!("{}00", division.get(..4).unwrap_or_default());
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
        cases: crate::demo_legal_aid::cases(state).await?,
        officers,
        admins,
        members,
        merchants,
    })
}

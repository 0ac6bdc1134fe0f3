//! Fixtures that read like the clients: operators, members with verified names, unions,
//! applications, shops with offers and POS keys, members with cards, counter codes.

use chrono::{Duration, Utc};
use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::cards::{codes, service as card_service};
use gangonghui_domain::ids::{AccountId, OfferId, OrgId};
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::cards::CardRow;
use gangonghui_persistence::{accounts, ids, memberships, orgs, redemptions};
use serde_json::{Value, json};

use super::app::{PASSWORD, Session, TestApp};

pub const NANCHANG: &str = "00000000-0000-7000-8000-000000360100";

pub const GANZHOU: &str = "00000000-0000-7000-8000-000000360700";

/// A valid resident ID (GB 11643 check character) distinct per `seq` below 1000.
pub fn resident_id(seq: u32) -> String {
    let body = format!("36010219900307{:03}", seq % 1000);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

impl TestApp {
    pub async fn admin(&self, phone: &str, division: &str) -> Session {
        let phone_parsed = Phone::parse(phone).unwrap();
        let password = gangonghui_domain::account::NewPassword::parse(PASSWORD).ok();
        create_or_promote(
            &self.state,
            phone_parsed,
            password,
            Role::UnionAdmin,
            OrgRef::Division(division.into()),
            None,
        )
        .await
        .unwrap();
        self.login(phone, "admin console").await
    }

    pub async fn verified_member(&self, phone: &str, seq: u32) -> Session {
        let session = self.register(phone).await;
        self.verify_name(&session, seq).await;
        session
    }

    /// Verifies the account's real name with the `seq`th test ID number.
    pub async fn verify_name(&self, session: &Session, seq: u32) {
        let response = self
            .client
            .put(self.url("/api/v1/me/real-name"))
            .bearer_auth(&session.access)
            .json(&json!({ "legal_name": "测试", "id_number": resident_id(seq) }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            200,
            "{:?}",
            response.text().await
        );
    }

    pub async fn grassroots(&self, admin: &Session, parent: &str, name: &str) -> String {
        let response = self
            .post(
                "/api/v1/admin/orgs",
                &json!({ "name": name, "parent_id": parent, "level": "grassroots" }),
                Some(&admin.access),
            )
            .await;
        assert_eq!(response.status().as_u16(), 201);
        let org: Value = response.json().await.unwrap();
        org["id"].as_str().unwrap().to_owned()
    }

    pub async fn apply(&self, member: &Session, org: &str) -> String {
        let response = self
            .post(
                "/api/v1/me/membership-applications",
                &json!({ "org_id": org, "employer": "江铃汽车" }),
                Some(&member.access),
            )
            .await;
        assert_eq!(response.status().as_u16(), 201);
        let app: Value = response.json().await.unwrap();
        assert_eq!(app["status"], "pending");
        app["id"].as_str().unwrap().to_owned()
    }

    pub async fn approve(&self, admin: &Session, application: &str) -> reqwest::Response {
        self.post(
            &format!("/api/v1/admin/membership-applications/{application}/approve"),
            &json!({}),
            Some(&admin.access),
        )
        .await
    }

    /// Checks and spends a counter code as a merchant counter will, at `now`.
    pub async fn spend_code(&self, code: &str, now: chrono::DateTime<Utc>) -> Result<(), String> {
        let (keys, code) = (self.state.data_keys.clone(), code.to_owned());
        self.state
            .db(move |conn| {
                gangonghui_persistence::write_tx(conn, |c| {
                    codes::check_and_spend(c, &keys, &code, now).map(drop)
                })
            })
            .await
            .map_err(|e| e.kind().1.to_owned())
    }
}

/// An approved merchant's owner, and a grassroots union id for members.
pub async fn shop(app: &TestApp) -> (Session, String) {
    let admin = app.admin("13900000501", "360100").await;
    let owner = app.register("13800007001").await;
    let body = json!({
        "name": "核销测试店", "credit_code": "91350100M000100Y43", "category": "retail", "division_code": "360102",
        "address": "南昌", "lat": 28.68, "lng": 115.86, "contact_phone": "13800007001"
    });
    let application: Value = app
        .post("/api/v1/merchant-applications", &body, Some(&owner.access))
        .await
        .json()
        .await
        .unwrap();
    let approved = app
        .post(
            &format!(
                "/api/v1/admin/merchant-applications/{}/approve",
                application["id"].as_str().unwrap()
            ),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(approved.status().as_u16(), 200);
    let union = app.grassroots(&admin, NANCHANG, "核销工会").await;
    (owner, union)
}

/// A POS key of the owner's merchant: `(id, key)`.
pub async fn new_pos_key(app: &TestApp, owner: &Session, label: &str) -> (String, String) {
    let key: Value = app
        .post(
            "/api/v1/merchant/api-keys",
            &json!({ "label": label }),
            Some(&owner.access),
        )
        .await
        .json()
        .await
        .unwrap();
    (
        key["id"].as_str().unwrap().to_owned(),
        key["key"].as_str().unwrap().to_owned(),
    )
}

/// Revokes a POS key as the owner.
pub async fn revoke_pos_key(app: &TestApp, owner: &Session, key_id: &str) {
    let revoke = app
        .client
        .delete(app.url(&format!("/api/v1/merchant/api-keys/{key_id}")))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status().as_u16(), 204);
}

/// Suspends the merchant [`shop`] made, as its city's union admin.
pub async fn suspend_shop(app: &TestApp) {
    let merchants: Value = app
        .get("/api/v1/merchants?city=360100")
        .await
        .json()
        .await
        .unwrap();
    let merchant_id = merchants["items"][0]["id"].as_str().unwrap().to_owned();
    let admin = app.login("13900000501", "suspend").await;
    let suspend = app
        .post(
            &format!("/api/v1/admin/merchants/{merchant_id}/suspend"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(suspend.status().as_u16(), 200);
}

pub async fn offer(app: &TestApp, owner: &Session, extra: Value) -> String {
    let mut body = json!({
        "title": "测试优惠", "kind": "percent_off", "percent_off_bp": 1200, "audience": "all",
        "starts_at": (Utc::now() - Duration::minutes(5)).to_rfc3339(), "ends_at": (Utc::now() + Duration::days(1)).to_rfc3339()
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let response = app
        .post("/api/v1/merchant/offers", &body, Some(&owner.access))
        .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        response.text().await
    );
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Members with active cards, written straight to the database (the HTTP path to a card is
/// tested elsewhere; here only the counter races).
pub async fn members_with_cards(app: &TestApp, union: &str, n: usize) -> Vec<CardRow> {
    let (union, keys) = (OrgId::from(union), app.state.data_keys.clone());
    app.state
        .db(move |conn| {
            let org = orgs::find(conn, &union)?.unwrap();
            let now = Utc::now().naive_utc();
            let mut cards = Vec::new();
            for i in 0..n {
                let id: AccountId = ids::new_id();
                let phone = format!("1360{:07}", i);
                accounts::insert(
                    conn,
                    &accounts::NewAccount::new(&id, &phone, None, "会员", now),
                )?;
                memberships::activate(conn, &id, &org.id, &org.path, now)?;
                cards.push(card_service::issue(conn, &keys, &id, &org.path, now)?);
            }
            Ok(cards)
        })
        .await
        .unwrap()
}

pub fn code_for(app: &TestApp, card: &CardRow, step: i64) -> String {
    codes::format_code(
        &card.card_no,
        codes::otp_for(&app.state.data_keys, card, step).unwrap(),
    )
}

pub async fn rows_for(app: &TestApp, offer: &str) -> i64 {
    let offer = OfferId::from(offer);
    app.state
        .db(move |conn| Ok(redemptions::count_for_offer(conn, &offer)?))
        .await
        .unwrap()
}

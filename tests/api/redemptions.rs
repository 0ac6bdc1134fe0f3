//! 核销 at the counter over real concurrent HTTP: quota and per-member limits never exceeded,
//! a code spends once, Idempotency-Key gives one redemption per purchase, maths to the fen.

use chrono::{Duration, Utc};
use gangonghui_api::members::{cards as card_service, codes};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::cards::CardRow;
use gangonghui_persistence::{accounts, ids, memberships, orgs, redemptions};
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, problem};
use crate::membership::NANCHANG;

/// An approved merchant's owner, and a grassroots union id for members.
async fn shop(app: &TestApp) -> (Session, String) {
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

async fn offer(app: &TestApp, owner: &Session, extra: Value) -> String {
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
async fn members_with_cards(app: &TestApp, union: &str, n: usize) -> Vec<CardRow> {
    let (union, keys) = (union.to_owned(), app.state.data_keys.clone());
    app.state
        .db(move |conn| {
            let org = orgs::find(conn, &union)?.unwrap();
            let now = Utc::now().naive_utc();
            let mut cards = Vec::new();
            for i in 0..n {
                let id = ids::new_id();
                let phone = format!("1360{:07}", i);
                accounts::insert(
                    conn,
                    &accounts::NewAccount {
                        id: &id,
                        phone: &phone,
                        password_hash: None,
                        display_name: "会员",
                        labor_model_level: "none",
                        hardship: false,
                        password_changed_at: now,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                memberships::activate(conn, &id, &org.id, &org.path, now)?;
                cards.push(card_service::issue(conn, &keys, &id, &org.path, now)?);
            }
            Ok(cards)
        })
        .await
        .unwrap()
}

fn code_for(app: &TestApp, card: &CardRow, step: i64) -> String {
    codes::format_code(
        &card.card_no,
        codes::otp_for(&app.state.data_keys, card, step).unwrap(),
    )
}

async fn redeem(
    app: &TestApp,
    owner: &Session,
    key: impl AsRef<str>,
    body: &Value,
) -> reqwest::Response {
    let key = key.as_ref();
    app.client
        .post(app.url("/api/v1/merchant/redemptions"))
        .bearer_auth(&owner.access)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn rows_for(app: &TestApp, offer: &str) -> i64 {
    let offer = offer.to_owned();
    app.state
        .db(move |conn| Ok(redemptions::count_for_offer(conn, &offer)?))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_quota_of_one_is_won_by_exactly_one_of_a_hundred() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({ "total_quota": 1 })).await;
    let cards = members_with_cards(&app, &union, 100).await;
    let now_step = step_at(Utc::now().timestamp());
    let bodies: Vec<Value> = cards.iter().map(|c| json!({ "code": code_for(&app, c, now_step), "offer_id": offer_id, "amount_fen": 10000 })).collect();
    let requests = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| redeem(&app, &owner, format!("quota-{i}"), body));
    let responses = futures_util::future::join_all(requests).await;
    let mut won = 0;
    let mut sold_out = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => won += 1,
            409 => {
                assert_eq!(problem(response, 409).await["code"], "offer.sold_out");
                sold_out += 1;
            }
            other => panic!("unexpected {other}: {:?}", response.text().await),
        }
    }
    assert_eq!((won, sold_out), (1, 99));
    assert_eq!(rows_for(&app, &offer_id).await, 1);
    // A refused redemption spent nothing: a loser's code still verifies.
    let preview = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": bodies[99]["code"] }),
            Some(&owner.access),
        )
        .await;
    let preview2 = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": bodies[98]["code"] }),
            Some(&owner.access),
        )
        .await;
    assert!(
        preview.status().as_u16() == 200 || preview2.status().as_u16() == 200,
        "at most one of them was the winner"
    );
}

#[tokio::test]
async fn every_valid_code_of_one_member_at_once_never_beats_a_limit_of_one() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(
        &app,
        &owner,
        json!({ "per_member_limit": 1, "limit_period": "day" }),
    )
    .await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let mut successes = 0;
    for round in 0..5 {
        let now_step = step_at(Utc::now().timestamp());
        // Every code valid right now: the adjacent steps too.
        let bodies: Vec<Value> = (now_step - 1..=now_step + 1)
            .map(|s| json!({ "code": code_for(&app, &card, s), "offer_id": offer_id, "amount_fen": 5000 }))
            .collect();
        let requests = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| redeem(&app, &owner, format!("limit-{round}-{i}"), b));
        for response in futures_util::future::join_all(requests).await {
            match response.status().as_u16() {
                201 => successes += 1,
                status => {
                    let code = problem(response, status).await["code"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    assert!(
                        ["offer.limit_reached", "code.used"].contains(&code.as_str()),
                        "{code}"
                    );
                }
            }
        }
    }
    assert_eq!(successes, 1, "never more than the member's limit");
    assert_eq!(rows_for(&app, &offer_id).await, 1);
}

#[tokio::test]
async fn fifty_retries_with_one_key_make_one_redemption() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({})).await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let body = json!({ "code": code_for(&app, &card, step_at(Utc::now().timestamp())), "offer_id": offer_id, "amount_fen": 12800 });
    let requests = (0..50).map(|_| redeem(&app, &owner, "one-purchase", &body));
    let responses = futures_util::future::join_all(requests).await;
    let mut bodies = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => bodies.push(response.text().await.unwrap()),
            409 => assert_eq!(
                problem(response, 409).await["code"],
                "idempotency.in_progress"
            ),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(!bodies.is_empty());
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every success is the same answer"
    );
    assert_eq!(rows_for(&app, &offer_id).await, 1);
    // Later retries replay it too; another body under the key is refused.
    let replay = redeem(&app, &owner, "one-purchase", &body).await;
    assert_eq!(
        (replay.status().as_u16(), replay.text().await.unwrap()),
        (201, bodies[0].clone())
    );
    let mut other = body.clone();
    other["amount_fen"] = json!(99);
    assert_eq!(
        problem(redeem(&app, &owner, "one-purchase", &other).await, 422).await["code"],
        "idempotency.mismatch"
    );
    let no_key = app
        .client
        .post(app.url("/api/v1/merchant/redemptions"))
        .bearer_auth(&owner.access)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(no_key, 400).await["code"],
        "idempotency.key_required"
    );
}

#[tokio::test]
async fn a_code_redeems_once_and_the_maths_is_to_the_fen() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let capped = offer(
        &app,
        &owner,
        json!({ "percent_off_bp": 1250, "max_discount_fen": 1000 }),
    )
    .await;
    let manjian = offer(&app, &owner, json!({ "kind": "amount_off", "percent_off_bp": null, "off_fen": 2000, "threshold_fen": 10000 })).await;
    let cards = members_with_cards(&app, &union, 3).await;
    let step = step_at(Utc::now().timestamp());

    // 12.5 % of 37 fen = 4.625 -> 5 fen (half-up).
    let first = redeem(
        &app,
        &owner,
        "m1",
        &json!({ "code": code_for(&app, &cards[0], step), "offer_id": capped, "amount_fen": 37 }),
    )
    .await;
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (
            first["original_fen"].as_i64(),
            first["discount_fen"].as_i64(),
            first["payable_fen"].as_i64()
        ),
        (Some(37), Some(5), Some(32))
    );
    let again = redeem(
        &app,
        &owner,
        "m1-again",
        &json!({ "code": code_for(&app, &cards[0], step), "offer_id": capped, "amount_fen": 37 }),
    )
    .await;
    assert_eq!(problem(again, 409).await["code"], "code.used");

    // The cap: 12.5 % of 200.00 would be 25.00, capped at 10.00.
    let capped_run: Value = redeem(&app, &owner, "m2", &json!({ "code": code_for(&app, &cards[1], step), "offer_id": capped, "amount_fen": 20000 })).await.json().await.unwrap();
    assert_eq!(
        (
            capped_run["discount_fen"].as_i64(),
            capped_run["payable_fen"].as_i64()
        ),
        (Some(1000), Some(19000))
    );

    // 满100减20: below the threshold is refused and spends nothing; at it, 20.00 off.
    let code = code_for(&app, &cards[2], step);
    let below = redeem(
        &app,
        &owner,
        "m3",
        &json!({ "code": code, "offer_id": manjian, "amount_fen": 9999 }),
    )
    .await;
    assert_eq!(problem(below, 422).await["code"], "offer.below_threshold");
    let at: Value = redeem(
        &app,
        &owner,
        "m4",
        &json!({ "code": code, "offer_id": manjian, "amount_fen": 10000 }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (at["discount_fen"].as_i64(), at["payable_fen"].as_i64()),
        (Some(2000), Some(8000))
    );

    let concurrent_code = code_for(&app, &cards[1], step + 1);
    let body = json!({ "code": concurrent_code, "offer_id": capped, "amount_fen": 100 });
    let racers = (0..10).map(|i| redeem(&app, &owner, format!("race-{i}"), &body));
    let statuses: Vec<u16> = futures_util::future::join_all(racers)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409));
    let unknown = redeem(&app, &owner, "m5", &json!({ "code": code_for(&app, &cards[2], step + 1), "offer_id": "nope", "amount_fen": 100 })).await;
    assert_eq!(problem(unknown, 404).await["code"], "offer.not_found");
}

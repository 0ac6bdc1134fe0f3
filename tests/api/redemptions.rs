//! 核销 at the counter over real concurrent HTTP: quota and per-member limits never exceeded,
//! a code spends once, Idempotency-Key gives one redemption per purchase, maths to the fen.

use chrono::{Duration, Utc};
use gangonghui_api::cards::codes;
use gangonghui_domain::totp::step_at;
use serde_json::{Value, json};

use crate::helpers::{
    Session, TestApp, code_for, members_with_cards, new_pos_key, offer, problem, rows_for, shop,
};

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

/// Reverses a redemption under an Idempotency-Key (`None`: the header is left out).
async fn reverse(app: &TestApp, who: &Session, id: &str, key: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/merchant/redemptions/{id}/reverse")))
        .bearer_auth(&who.access);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

/// Sixty at once, thirty from the owner's login and thirty from a POS key: as many new codes
/// as the counter's caps let one merchant have in flight.
#[tokio::test]
async fn a_quota_of_one_is_won_by_exactly_one_of_sixty() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let (_, pos_key) = new_pos_key(&app, &owner, "收银台").await;
    let offer_id = offer(&app, &owner, json!({ "total_quota": 1 })).await;
    let cards = members_with_cards(&app, &union, 60).await;
    let now_step = step_at(Utc::now().timestamp());
    let bodies: Vec<Value> = cards.iter().map(|c| json!({ "code": code_for(&app, c, now_step), "offer_id": offer_id, "amount_fen": 10000 })).collect();
    let requests = bodies.iter().enumerate().map(|(i, body)| {
        let request = app
            .client
            .post(app.url("/api/v1/merchant/redemptions"))
            .header("idempotency-key", format!("quota-{i}"))
            .json(body);
        let request = if i % 2 == 0 {
            request.bearer_auth(&owner.access)
        } else {
            request.header("x-api-key", &pos_key)
        };
        async move { request.send().await.unwrap() }
    });
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
    assert_eq!((won, sold_out), (1, 59));
    assert_eq!(rows_for(&app, &offer_id).await, 1);
    // A refused redemption spent nothing: a loser's code still verifies.
    let preview = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": bodies[59]["code"] }),
            Some(&owner.access),
        )
        .await;
    let preview2 = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": bodies[57]["code"] }),
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

/// A refusal is a completed answer too: the key keeps it, and a different body under the key
/// is refused without its work taking effect (the code it carries stays unspent).
#[tokio::test]
async fn a_key_keeps_its_first_answer_even_a_refusal() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({ "threshold_fen": 10000 })).await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let code = code_for(&app, &card, step_at(Utc::now().timestamp()));
    let below = json!({ "code": code, "offer_id": offer_id, "amount_fen": 5000 });
    let first = redeem(&app, &owner, "till-7", &below).await;
    assert_eq!(first.status().as_u16(), 422);
    let first = first.text().await.unwrap();
    assert!(first.contains("offer.below_threshold"), "{first}");
    let again = redeem(&app, &owner, "till-7", &below).await;
    assert_eq!(
        (again.status().as_u16(), again.text().await.unwrap()),
        (422, first),
        "the stored refusal is replayed as it was"
    );

    let enough = json!({ "code": code, "offer_id": offer_id, "amount_fen": 20000 });
    assert_eq!(
        problem(redeem(&app, &owner, "till-7", &enough).await, 422).await["code"],
        "idempotency.mismatch"
    );
    assert_eq!(
        rows_for(&app, &offer_id).await,
        0,
        "the mismatched body redeemed nothing"
    );
    let fresh = redeem(&app, &owner, "till-8", &enough).await;
    assert_eq!(fresh.status().as_u16(), 201, "its code was not spent");
    assert_eq!(rows_for(&app, &offer_id).await, 1);
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
    let malformed = redeem(
        &app,
        &owner,
        "m6",
        &json!({ "code": "12345", "offer_id": capped, "amount_fen": 100 }),
    )
    .await;
    assert_eq!(problem(malformed, 422).await["code"], "code.invalid");
    let nobody = gangonghui_domain::card::CardNo::new(1, 99_999_999).unwrap();
    let no_card = json!({ "code": codes::format_code(nobody.as_str(), 123_456), "offer_id": capped, "amount_fen": 100 });
    assert_eq!(
        problem(redeem(&app, &owner, "m7", &no_card).await, 422).await["code"],
        "code.invalid",
        "no such card answers as a wrong code"
    );
}

#[tokio::test]
async fn a_reversal_gives_back_the_quota_and_the_limit_once() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(
        &app,
        &owner,
        json!({ "total_quota": 1, "per_member_limit": 1, "limit_period": "month" }),
    )
    .await;
    let cards = members_with_cards(&app, &union, 2).await;
    let first_step = step_at(Utc::now().timestamp());
    let step = first_step;
    let first: Value = redeem(&app, &owner, "r1", &json!({ "code": code_for(&app, &cards[0], step), "offer_id": offer_id, "amount_fen": 5000 })).await.json().await.unwrap();
    let other = redeem(&app, &owner, "r2", &json!({ "code": code_for(&app, &cards[1], step), "offer_id": offer_id, "amount_fen": 5000 })).await;
    assert_eq!(problem(other, 409).await["code"], "offer.sold_out");

    // Another merchant's staff cannot touch it.
    let stranger = app.register("13800007002").await;
    let body = json!({
        "name": "别家店", "credit_code": "91360100MA35XXXX0X", "category": "retail", "division_code": "360102",
        "address": "南昌", "lat": 28.6, "lng": 115.8, "contact_phone": "13800007002"
    });
    let mut body = body;
    let code = b"91360100MA35XXXX0";
    body["credit_code"] = json!(format!(
        "{}{}",
        String::from_utf8_lossy(code),
        gangonghui_domain::credit_code::check_character(code).unwrap() as char
    ));
    let application: Value = app
        .post(
            "/api/v1/merchant-applications",
            &body,
            Some(&stranger.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let admin = app.login("13900000501", "again").await;
    app.post(
        &format!(
            "/api/v1/admin/merchant-applications/{}/approve",
            application["id"].as_str().unwrap()
        ),
        &json!({}),
        Some(&admin.access),
    )
    .await;
    let id = first["id"].as_str().unwrap();
    let foreign = reverse(&app, &stranger, id, Some("rev-foreign")).await;
    assert_eq!(problem(foreign, 404).await["code"], "redemption.not_found");
    let foreign_offer = redeem(&app, &stranger, "s1", &json!({ "code": code_for(&app, &cards[1], step + 1), "offer_id": offer_id, "amount_fen": 5000 })).await;
    assert_eq!(problem(foreign_offer, 404).await["code"], "offer.not_found");

    assert_eq!(
        problem(reverse(&app, &owner, id, None).await, 400).await["code"],
        "idempotency.key_required"
    );
    let reversed = reverse(&app, &owner, id, Some("rev-1")).await;
    assert_eq!(reversed.status().as_u16(), 200);
    let first_answer: Value = reversed.json().await.unwrap();
    // A retry under the same key is the first answer again, not a second reversal.
    let retried = reverse(&app, &owner, id, Some("rev-1")).await;
    assert_eq!(retried.status().as_u16(), 200);
    assert_eq!(retried.json::<Value>().await.unwrap(), first_answer);
    let again = reverse(&app, &owner, id, Some("rev-2")).await;
    assert_eq!(
        problem(again, 409).await["code"],
        "redemption.already_reversed"
    );

    // The quota is back: the other member now succeeds; and the first member's limit is back too.
    let step = step_at(Utc::now().timestamp()) + 1;
    let now_ok = redeem(&app, &owner, "r3", &json!({ "code": code_for(&app, &cards[1], step), "offer_id": offer_id, "amount_fen": 5000 })).await;
    assert_eq!(now_ok.status().as_u16(), 201);
    let second_offer = offer(
        &app,
        &owner,
        json!({ "per_member_limit": 1, "limit_period": "total" }),
    )
    .await;
    let used: Value = redeem(&app, &owner, "r4", &json!({ "code": code_for(&app, &cards[0], step), "offer_id": second_offer, "amount_fen": 1000 })).await.json().await.unwrap();
    let undone = reverse(&app, &owner, used["id"].as_str().unwrap(), Some("rev-3")).await;
    assert_eq!(undone.status().as_u16(), 200);
    // A code of this card not spent yet (r1 and r4 spent two steps of the window).
    let now_step = step_at(Utc::now().timestamp());
    let free = (now_step - 1..=now_step + 1)
        .find(|s| *s != first_step && *s != step)
        .unwrap();
    let reuse = redeem(&app, &owner, "r5", &json!({ "code": code_for(&app, &cards[0], free), "offer_id": second_offer, "amount_fen": 1000 })).await;
    assert_eq!(reuse.status().as_u16(), 201, "the member's use came back");

    // The day's ledger and the month's settlement, reversals netted.
    let ledger: Value = app
        .get_as("/api/v1/merchant/redemptions", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    let items = ledger["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items.iter().filter(|i| i["reversed"] == true).count(), 2);
    let settlement: Value = app
        .get_as("/api/v1/merchant/settlements", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    let day = &settlement["days"][0];
    assert_eq!(
        (day["count"].as_i64(), day["reversals"].as_i64()),
        (Some(4), Some(2))
    );
    // Sales 5000+5000+1000+1000 original, minus the two reversed (5000 + 1000).
    assert_eq!(day["original_fen"].as_i64(), Some(6000));
    assert_eq!(
        day["discount_fen"].as_i64(),
        Some(720),
        "12 % of 6000 after netting"
    );
    assert_eq!(day["payable_fen"].as_i64(), Some(5280));
    let bad_month = app
        .get_as("/api/v1/merchant/settlements?month=2026-13", &owner.access)
        .await;
    assert_eq!(problem(bad_month, 422).await["errors"][0]["field"], "month");
}

#[tokio::test]
async fn members_see_their_own_redemptions() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({})).await;
    let admin = app.login("13900000501", "again").await;
    let member = app.verified_member("13800007003", 71).await;
    let application = app.apply(&member, &union).await;
    assert_eq!(
        app.approve(&admin, &application).await.status().as_u16(),
        200
    );
    let code: Value = app
        .get_as("/api/v1/me/card/code", &member.access)
        .await
        .json()
        .await
        .unwrap();
    let made = redeem(
        &app,
        &owner,
        "mine-1",
        &json!({ "code": code["qr_payload"], "offer_id": offer_id, "amount_fen": 2500 }),
    )
    .await;
    assert_eq!(
        made.status().as_u16(),
        201,
        "the QR payload works as the code"
    );
    let mine: Value = app
        .get_as("/api/v1/me/redemptions", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            mine["items"][0]["original_fen"].as_i64(),
            mine["items"][0]["discount_fen"].as_i64()
        ),
        (Some(2500), Some(300))
    );
    let someone_else = app.register("13800007004").await;
    let theirs: Value = app
        .get_as("/api/v1/me/redemptions", &someone_else.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn a_code_stops_verifying_when_the_application_clock_passes_its_window() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let code = code_for(&app, &card, step_at(Utc::now().timestamp()));
    let body = json!({ "code": code });
    let path = "/api/v1/merchant/verifications";
    let shown = app.post(path, &body, Some(&owner.access)).await;
    assert_eq!(shown.status().as_u16(), 200);
    app.state.clock.advance(Duration::minutes(3));
    let refused = problem(app.post(path, &body, Some(&owner.access)).await, 422).await;
    assert_eq!(refused["code"], "code.expired");
}

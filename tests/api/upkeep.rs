//! The background upkeep: expired one-time codes and idempotency keys are deleted by the
//! scheduler, not by requests; and a request reads an expired key as absent whether or not its
//! row is still there.

use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::schema::{idempotency_keys, otp_codes};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, code_for, logs, members_with_cards, new_pos_key, offer, problem, shop,
};

/// Past every retention the scheduler applies to codes and keys (24 h past their time).
const A_DAY_AND_AN_HOUR: chrono::Duration = chrono::Duration::hours(25);

async fn redeem(app: &TestApp, pos_key: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/merchant/redemptions"))
        .header("x-api-key", pos_key)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A counter with a POS key (which, unlike a login, outlasts a moved clock), and a redemption
/// body with a fresh card code.
async fn counter(app: &TestApp) -> (String, Value) {
    let (owner, union) = shop(app).await;
    let (_, pos_key) = new_pos_key(app, &owner, "收银台").await;
    let offer_id = offer(app, &owner, json!({})).await;
    let card = members_with_cards(app, &union, 1).await.pop().unwrap();
    let code = code_for(app, &card, step_at(Utc::now().timestamp()));
    (
        pos_key,
        json!({ "code": code, "offer_id": offer_id, "amount_fen": 10000 }),
    )
}

fn keys_stored(app: &TestApp, key: &str) -> i64 {
    let mut conn = app.state.db.get().unwrap();
    idempotency_keys::table
        .filter(idempotency_keys::idem_key.eq(key))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

fn codes_stored(app: &TestApp, phone: &str) -> i64 {
    let mut conn = app.state.db.get().unwrap();
    otp_codes::table
        .filter(otp_codes::phone.eq(phone))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn the_scheduler_deletes_expired_codes_and_keys_and_keeps_live_ones() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("GGH_UPKEEP_INTERVAL_SECS", "1".into());
    })
    .await;
    let (pos_key, body) = counter(&app).await;
    assert_eq!(redeem(&app, &pos_key, "old-key", &body).await.status(), 201);
    app.request_code("13800000301", "login").await;
    assert_eq!(
        (
            keys_stored(&app, "old-key"),
            codes_stored(&app, "13800000301")
        ),
        (1, 1)
    );

    app.state.clock.advance(A_DAY_AND_AN_HOUR);
    // Live rows, made after the move: the sweeps must leave them.
    app.request_code("13800000302", "login").await;
    let mut live = body.clone();
    live["amount_fen"] = json!(20000);
    assert!(
        redeem(&app, &pos_key, "new-key", &live)
            .await
            .status()
            .is_client_error()
    );

    let deadline = Instant::now() + Duration::from_secs(15);
    while keys_stored(&app, "old-key") + codes_stored(&app, "13800000301") > 0 {
        assert!(Instant::now() < deadline, "not swept within 15 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        (
            keys_stored(&app, "new-key"),
            codes_stored(&app, "13800000302")
        ),
        (1, 1)
    );
    assert!(logs().contains("upkeep deleted expired rows"));
}

/// With the scheduler off, nothing deletes: the expired rows stay, and requests read them as
/// absent all the same.
#[tokio::test]
async fn requests_read_an_expired_key_as_absent_and_delete_nothing() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("GGH_UPKEEP_INTERVAL_SECS", "0".into());
    })
    .await;
    let (pos_key, body) = counter(&app).await;
    assert_eq!(redeem(&app, &pos_key, "till-1", &body).await.status(), 201);
    let mut other = body.clone();
    other["amount_fen"] = json!(99);
    let mismatch = problem(redeem(&app, &pos_key, "till-1", &other).await, 422).await;
    assert_eq!(mismatch["code"], "idempotency.mismatch");
    assert!(
        redeem(&app, &pos_key, "till-2", &other)
            .await
            .status()
            .is_client_error()
    );

    app.state.clock.advance(A_DAY_AND_AN_HOUR);
    // A day later the key is forgotten: the other body is a new request (its code has long
    // expired), not a mismatch with the forgotten one.
    let fresh = redeem(&app, &pos_key, "till-1", &other).await;
    assert!(fresh.status().is_client_error());
    let fresh: Value = fresh.json().await.unwrap();
    assert_ne!(fresh["code"], "idempotency.mismatch", "{fresh}");
    // The untouched expired key is still stored: requests leave deleting to the upkeep...
    assert_eq!(keys_stored(&app, "till-2"), 1);
    // ...which takes it on its next sweep.
    let swept = gangonghui_api::upkeep::sweep(&app.state).await;
    assert_eq!(keys_stored(&app, "till-2"), 0);
    assert_eq!(
        keys_stored(&app, "till-1"),
        1,
        "the key stored anew is live"
    );
    assert_eq!(
        swept.count(gangonghui_persistence::upkeep::Expiring::IdempotencyKeys),
        1
    );
}

//! Every amount and count that enters the API has a documented maximum (1 亿元 per amount, a
//! billion uses per quota), so no ledger, settlement or statistic can overflow: the largest
//! purchase is accepted and settled, one fen more is refused and changes nothing.

use chrono::{Duration, Utc};
use gangonghui_domain::money::{MAX_FEN, MAX_QUOTA};
use gangonghui_domain::totp::step_at;
use serde_json::{Value, json};

use crate::helpers::{TestApp, code_for, members_with_cards, offer, problem, rows_for, shop};

fn field_error(body: &Value) -> (&str, &str) {
    let e = &body["errors"][0];
    (e["field"].as_str().unwrap(), e["code"].as_str().unwrap())
}

#[tokio::test]
async fn the_largest_purchase_settles_and_one_fen_more_is_refused() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({ "max_discount_fen": 1000 })).await;
    let cards = members_with_cards(&app, &union, 2).await;
    let step = step_at(Utc::now().timestamp());
    let redeem = |card: usize, amount: i64, key: &'static str| {
        let body = json!({ "code": code_for(&app, &cards[card], step), "offer_id": offer_id, "amount_fen": amount });
        let request = app.client.post(app.url("/api/v1/merchant/redemptions"));
        request
            .bearer_auth(&owner.access)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let over = redeem(0, MAX_FEN + 1, "over").await.unwrap();
    let over = problem(over, 422).await;
    assert_eq!(
        field_error(&over),
        ("amount_fen", "above_maximum"),
        "{over}"
    );
    assert_eq!(
        rows_for(&app, &offer_id).await,
        0,
        "a refused purchase records nothing"
    );
    for (card, key) in [(0, "max-a"), (1, "max-b")] {
        let response = redeem(card, MAX_FEN, key).await.unwrap();
        assert_eq!(
            response.status().as_u16(),
            201,
            "{:?}",
            response.text().await
        );
    }
    let settlement = app
        .get_as("/api/v1/merchant/settlements", &owner.access)
        .await;
    assert_eq!(settlement.status().as_u16(), 200);
    let settlement: Value = settlement.json().await.unwrap();
    assert_eq!(
        settlement["days"][0]["original_fen"].as_i64(),
        Some(2 * MAX_FEN)
    );
}

#[tokio::test]
async fn offers_cannot_state_amounts_or_quotas_past_their_maximum() {
    let app = TestApp::spawn().await;
    let (owner, _) = shop(&app).await;
    let base = json!({
        "title": "大额满减", "kind": "amount_off", "off_fen": 100, "threshold_fen": 1000, "audience": "all",
        "starts_at": Utc::now().to_rfc3339(), "ends_at": (Utc::now() + Duration::days(1)).to_rfc3339()
    });
    for (field, value) in [
        ("threshold_fen", MAX_FEN + 1),
        ("off_fen", MAX_FEN + 1),
        ("total_quota", MAX_QUOTA + 1),
    ] {
        let mut body = base.clone();
        body[field] = value.into();
        let refused = app
            .post("/api/v1/merchant/offers", &body, Some(&owner.access))
            .await;
        let refused = problem(refused, 422).await;
        assert!(
            refused["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == "above_maximum"),
            "{field}: {refused}"
        );
    }
    let mut largest = base.clone();
    largest["threshold_fen"] = MAX_FEN.into();
    largest["total_quota"] = MAX_QUOTA.into();
    let created = app
        .post("/api/v1/merchant/offers", &largest, Some(&owner.access))
        .await;
    assert_eq!(created.status().as_u16(), 201, "{:?}", created.text().await);
}

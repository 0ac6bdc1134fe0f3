//! Several stateless instances behind a load balancer share one database and one Redis: what one
//! instance records, revokes or suspends holds on another at its next request.

use chrono::Utc;
use gangonghui_domain::totp::step_at;
use serde_json::json;

use crate::helpers::{TestApp, problem, redis_url};
use crate::helpers::{
    code_for, members_with_cards, new_pos_key, offer, revoke_pos_key, rows_for, shop, suspend_shop,
};

#[tokio::test]
async fn what_one_instance_records_or_revokes_holds_on_another() {
    if redis_url().is_none() {
        eprintln!(
            "skipped here: several instances need the shared cache (GGH_TEST_REDIS_URL, run by .ci/run)"
        );
        return;
    }
    let app = TestApp::spawn().await;
    let other = app.replica().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({})).await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let (key_id, pos_key) = new_pos_key(&app, &owner, "收银台").await;
    let staff_on_other = |token: Option<&str>| {
        let request = app.client.get(other.url("/api/v1/merchant/staff"));
        match token {
            Some(token) => request.bearer_auth(token.to_owned()),
            None => request.header("x-api-key", &pos_key),
        }
        .send()
    };
    assert_eq!(staff_on_other(None).await.unwrap().status().as_u16(), 200);
    assert_eq!(
        staff_on_other(Some(&owner.access))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );

    // A purchase recorded through one instance is replayed by the other for the same key.
    let body = json!({ "code": code_for(&app, &card, step_at(Utc::now().timestamp())), "offer_id": offer_id, "amount_fen": 10000 });
    let redeem_on = |url: String| {
        app.client
            .post(url)
            .header("x-api-key", &pos_key)
            .header("idempotency-key", "counter-7/0001")
            .json(&body)
            .send()
    };
    let first = redeem_on(app.url("/api/v1/merchant/redemptions"))
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first = first.text().await.unwrap();
    let retry = redeem_on(other.url("/api/v1/merchant/redemptions"))
        .await
        .unwrap();
    assert_eq!(
        (retry.status().as_u16(), retry.text().await.unwrap()),
        (201, first)
    );
    assert_eq!(rows_for(&app, &offer_id).await, 1);

    // A key revoked through one instance stops working on the other at once.
    revoke_pos_key(&app, &owner, &key_id).await;
    assert_eq!(staff_on_other(None).await.unwrap().status().as_u16(), 401);

    // So does the merchant's suspension, for its logged-in staff.
    suspend_shop(&app).await;
    assert_eq!(
        problem(staff_on_other(Some(&owner.access)).await.unwrap(), 403).await["code"],
        "merchant.suspended"
    );
}

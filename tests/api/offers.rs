//! Offers as owners set them up and as the counter previews them for a presented card.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::NANCHANG;
use crate::helpers::{Session, TestApp, problem};

fn percent_offer(title: &str, audience: &str) -> Value {
    json!({
        "title": title, "kind": "percent_off", "percent_off_bp": 1200, "max_discount_fen": 5000,
        "per_member_limit": 2, "limit_period": "day", "total_quota": 100, "audience": audience,
        "starts_at": (Utc::now() - Duration::minutes(1)).to_rfc3339(), "ends_at": (Utc::now() + Duration::days(30)).to_rfc3339()
    })
}

/// The first eligible offer a preview of `code` shows.
async fn preview_offer_id(app: &TestApp, owner: &Session, code: &str) -> String {
    let preview: Value = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            Some(&owner.access),
        )
        .await
        .json()
        .await
        .unwrap();
    preview["eligible_offers"][0]["offer_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An approved merchant with its owner, and a member with an active card.
async fn counter(app: &TestApp) -> (Session, String, Session) {
    let admin = app.admin("13900000401", "360100").await;
    let owner = app.register("13800006001").await;
    let body = json!({
        "name": "老表家常菜", "credit_code": "91350100M000100Y43", "category": "dining", "division_code": "360102",
        "address": "南昌", "lat": 28.68, "lng": 115.86, "contact_phone": "13800006001"
    });
    let application: Value = app
        .post("/api/v1/merchant-applications", &body, Some(&owner.access))
        .await
        .json()
        .await
        .unwrap();
    let decision: Value = app
        .post(
            &format!(
                "/api/v1/admin/merchant-applications/{}/approve",
                application["id"].as_str().unwrap()
            ),
            &json!({}),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let union = app.grassroots(&admin, NANCHANG, "优惠工会").await;
    let member = app.verified_member("13800006002", 61).await;
    let membership = app.apply(&member, &union).await;
    assert_eq!(
        app.approve(&admin, &membership).await.status().as_u16(),
        200
    );
    (
        owner,
        decision["merchant"]["id"].as_str().unwrap().to_owned(),
        member,
    )
}

#[tokio::test]
async fn owners_create_pause_and_resume_offers() {
    let app = TestApp::spawn().await;
    let (owner, merchant, _) = counter(&app).await;

    let bad = app.post("/api/v1/merchant/offers", &json!({
        "title": "坏", "kind": "percent_off", "percent_off_bp": 0, "per_member_limit": 1, "audience": "all",
        "starts_at": Utc::now().to_rfc3339(), "ends_at": (Utc::now() - Duration::days(1)).to_rfc3339()
    }), Some(&owner.access)).await;
    let body = problem(bad, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["ends_at", "limit_period", "percent_off_bp"]);

    let created = app
        .post(
            "/api/v1/merchant/offers",
            &percent_offer("会员 88 折", "all"),
            Some(&owner.access),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let offer: Value = created.json().await.unwrap();
    assert_eq!(
        (offer["remaining_quota"].as_i64(), offer["status"].as_str()),
        (Some(100), Some("active"))
    );
    let manjian = json!({
        "title": "满100减20", "kind": "amount_off", "off_fen": 2000, "threshold_fen": 10000, "audience": "all",
        "starts_at": Utc::now().to_rfc3339(), "ends_at": (Utc::now() + Duration::days(1)).to_rfc3339()
    });
    assert_eq!(
        app.post("/api/v1/merchant/offers", &manjian, Some(&owner.access))
            .await
            .status()
            .as_u16(),
        201
    );

    let shown: Value = app
        .get(&format!("/api/v1/merchants/{merchant}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["offers"].as_array().unwrap().len(), 2);
    let offer_id = offer["id"].as_str().unwrap();
    let pause = app
        .client
        .patch(app.url(&format!("/api/v1/merchant/offers/{offer_id}")))
        .bearer_auth(&owner.access)
        .json(&json!({ "status": "paused" }))
        .send()
        .await
        .unwrap();
    assert_eq!(pause.status().as_u16(), 200);
    let shown: Value = app
        .get(&format!("/api/v1/merchants/{merchant}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        shown["offers"].as_array().unwrap().len(),
        1,
        "a paused offer is not live"
    );
    let resume = app
        .client
        .patch(app.url(&format!("/api/v1/merchant/offers/{offer_id}")))
        .bearer_auth(&owner.access)
        .json(&json!({ "status": "active" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resume.status().as_u16(), 200);
    let past = app
        .client
        .patch(app.url(&format!("/api/v1/merchant/offers/{offer_id}")))
        .bearer_auth(&owner.access)
        .json(&json!({ "ends_at": (Utc::now() - Duration::hours(1)).to_rfc3339() }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(past, 422).await["errors"][0]["field"], "ends_at");
    let mine: Value = app
        .get_as("/api/v1/merchant/offers", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let unknown = app.get("/api/v1/merchants/no-such-merchant").await;
    assert_eq!(problem(unknown, 404).await["code"], "merchant.not_found");
}

#[tokio::test]
async fn the_counter_previews_a_card_without_spending_its_code() {
    let app = TestApp::spawn().await;
    let (owner, _, member) = counter(&app).await;
    app.post(
        "/api/v1/merchant/offers",
        &percent_offer("会员 88 折", "all"),
        Some(&owner.access),
    )
    .await;
    app.post(
        "/api/v1/merchant/offers",
        &percent_offer("劳模专享", "labor_model"),
        Some(&owner.access),
    )
    .await;

    let code: Value = app
        .get_as("/api/v1/me/card/code", &member.access)
        .await
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let preview = app
            .post(
                "/api/v1/merchant/verifications",
                &json!({ "code": code }),
                Some(&owner.access),
            )
            .await;
        assert_eq!(preview.status().as_u16(), 200);
        let body: Value = preview.json().await.unwrap();
        assert_eq!(body["card_status"], "active");
        assert_eq!(body["holder_name"], "测*", "masked legal name");
        let offers = body["eligible_offers"].as_array().unwrap();
        assert_eq!(
            offers.len(),
            1,
            "the 劳模 offer is not for this member: {body}"
        );
        assert_eq!(
            (
                offers[0]["title"].as_str(),
                offers[0]["remaining_for_member"].as_i64()
            ),
            (Some("会员 88 折"), Some(2))
        );
    }
    let offer_id = preview_offer_id(&app, &owner, &code).await;
    let redeemed = app
        .client
        .post(app.url("/api/v1/merchant/redemptions"))
        .bearer_auth(&owner.access)
        .header("idempotency-key", "preview-then-buy")
        .json(&json!({ "code": code, "offer_id": offer_id, "amount_fen": 10000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status().as_u16(), 201, "previews spent nothing");
    let again = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(problem(again, 409).await["code"], "code.used");

    let garbage = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": "12345" }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(problem(garbage, 422).await["code"], "code.invalid");
    let unknown_card = gangonghui_domain::card::CardNo::new(11, 99_999_999).unwrap();
    let unknown = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": format!("{}000000", unknown_card.as_str()) }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(problem(unknown, 422).await["code"], "code.invalid");
    let next: Value = app
        .get_as("/api/v1/me/card/code", &member.access)
        .await
        .json()
        .await
        .unwrap();
    let after_use: Value = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": next["code"] }),
            Some(&owner.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after_use["eligible_offers"][0]["remaining_for_member"].as_i64(),
        Some(1),
        "one of today's two uses is taken: {after_use}"
    );
    app.post(
        "/api/v1/me/card/report-lost",
        &json!({}),
        Some(&member.access),
    )
    .await;
    let lost = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": next["qr_payload"] }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(problem(lost, 422).await["code"], "card.lost");
    let anonymous = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            None,
        )
        .await;
    assert_eq!(problem(anonymous, 401).await["code"], "auth.token_missing");
    let member_call = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            Some(&member.access),
        )
        .await;
    assert_eq!(problem(member_call, 403).await["code"], "auth.forbidden");
}

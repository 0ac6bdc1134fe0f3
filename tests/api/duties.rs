//! Separation of duties and caps on what one person can do to their own records: no officer
//! decides their own membership or grades, no staff redeems their own card, card replacements
//! are capped, and a unit's division code lies inside its parent's.

use serde_json::{Value, json};

use crate::helpers::{NANCHANG, TestApp, offer, problem, rows_for, shop};

#[tokio::test]
async fn an_admin_cannot_approve_their_own_membership_or_raise_their_own_grade() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000601", "360100").await;
    let colleague = app.admin("13900000602", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "自审工会").await;
    app.verify_name(&admin, 601).await;
    let application = app.apply(&admin, &union).await;
    let own = problem(app.approve(&admin, &application).await, 403).await;
    assert_eq!(own["code"], "member.own_record");
    let reject = format!("/api/v1/admin/membership-applications/{application}/reject");
    let own = app
        .post(
            &reject,
            &json!({ "reason": "自己驳回" }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(problem(own, 403).await["code"], "member.own_record");
    // Still pending: a colleague decides it.
    assert_eq!(
        app.approve(&colleague, &application)
            .await
            .status()
            .as_u16(),
        200
    );
    let grade = json!({ "labor_model_level": "national" });
    let path = format!("/api/v1/admin/members/{}", admin.account_id);
    let patch = |who: &str| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(who.to_owned())
            .json(&grade)
            .send()
    };
    let own = patch(&admin.access).await.unwrap();
    assert_eq!(problem(own, 403).await["code"], "member.own_record");
    let me: Value = app
        .get_as("/api/v1/me", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(me["labor_model_level"], "national", "unchanged: {me}");
    assert_eq!(
        patch(&colleague.access).await.unwrap().status().as_u16(),
        200
    );
}

#[tokio::test]
async fn staff_cannot_redeem_their_own_card_and_the_code_stays_unspent() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let admin = app.admin("13900000603", "360100").await;
    app.verify_name(&owner, 603).await;
    let application = app.apply(&owner, &union).await;
    assert_eq!(
        app.approve(&admin, &application).await.status().as_u16(),
        200
    );
    let offer_id = offer(&app, &owner, json!({})).await;
    let code: Value = app
        .get_as("/api/v1/me/card/code", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap().to_owned();
    let redeem = app
        .client
        .post(app.url("/api/v1/merchant/redemptions"))
        .bearer_auth(&owner.access)
        .header("idempotency-key", "own-card-1")
        .json(&json!({ "code": code, "offer_id": offer_id, "amount_fen": 10_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(redeem, 403).await["code"], "redemption.own_card");
    assert_eq!(rows_for(&app, &offer_id).await, 0);
    let verify = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(verify.status().as_u16(), 200, "the code was not spent");
}

#[tokio::test]
async fn a_member_gets_three_replacement_cards_a_month() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000604", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "补卡工会").await;
    let member = app.verified_member("13800006041", 604).await;
    let application = app.apply(&member, &union).await;
    assert_eq!(
        app.approve(&admin, &application).await.status().as_u16(),
        200
    );
    let empty = json!({});
    let replace = || app.post("/api/v1/me/card/replace", &empty, Some(&member.access));
    for i in 0..3 {
        assert_eq!(replace().await.status().as_u16(), 201, "replacement {i}");
    }
    let card: Value = app
        .get_as("/api/v1/me/card", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        problem(replace().await, 409).await["code"],
        "card.replacement_limit"
    );
    let after: Value = app
        .get_as("/api/v1/me/card", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(card, after, "the live card is unchanged");
    app.state.clock.advance(chrono::Duration::days(31));
    assert_eq!(replace().await.status().as_u16(), 201, "a new window");
}

#[tokio::test]
async fn a_county_takes_a_division_code_of_its_own_city_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000605", "360100").await;
    let county = |code: &str| {
        json!({ "name": format!("县 {code}"), "parent_id": NANCHANG,
        "level": "county", "division_code": code })
    };
    for stray in ["360499", "360100", "360000"] {
        let refused = app
            .post("/api/v1/admin/orgs", &county(stray), Some(&admin.access))
            .await;
        let body = problem(refused, 422).await;
        assert_eq!(
            body["errors"][0]["field"], "division_code",
            "{stray}: {body}"
        );
        assert_eq!(
            body["errors"][0]["code"], "division_outside_parent",
            "{stray}"
        );
    }
    let created = app
        .post("/api/v1/admin/orgs", &county("360199"), Some(&admin.access))
        .await;
    assert_eq!(created.status().as_u16(), 201);
}

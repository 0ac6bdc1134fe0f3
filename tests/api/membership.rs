//! Org units, membership and cards as members and union admins use them, scope included.

use chrono::Utc;
use diesel::prelude::*;
use gangonghui_api::cards::codes;
use gangonghui_domain::card::CardNo;
use serde_json::{Value, json};

use crate::helpers::{GANZHOU, NANCHANG, TestApp, problem};

#[tokio::test]
async fn from_registration_to_a_card_and_its_codes() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000101", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "江铃汽车工会").await;
    let member = app.verified_member("13800001001", 1).await;

    let application = app.apply(&member, &union).await;
    let again = app
        .post(
            "/api/v1/me/membership-applications",
            &json!({ "org_id": union, "employer": "x" }),
            Some(&member.access),
        )
        .await;
    assert_eq!(
        problem(again, 409).await["code"],
        "membership.application_open"
    );

    let pending: Value = app
        .get_as(
            "/api/v1/admin/membership-applications?status=pending",
            &admin.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    let approved = app.approve(&admin, &application).await;
    assert_eq!(approved.status().as_u16(), 200);
    let decision: Value = approved.json().await.unwrap();
    assert_eq!(decision["application"]["status"], "approved");
    let card_no = decision["card"]["card_no"].as_str().unwrap().to_owned();
    assert!(
        CardNo::parse(&card_no).is_ok() && card_no.starts_with("3601"),
        "{card_no}"
    );
    let twice = app.approve(&admin, &application).await;
    assert_eq!(
        problem(twice, 409).await["code"],
        "membership.already_decided"
    );

    let me: Value = app
        .get_as("/api/v1/me", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["membership"],
        json!({ "status": "active", "org_id": union })
    );
    let card: Value = app
        .get_as("/api/v1/me/card", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (card["card_no"].as_str(), card["status"].as_str()),
        (Some(card_no.as_str()), Some("active"))
    );

    let code: Value = app
        .get_as("/api/v1/me/card/code", &member.access)
        .await
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(&code[..16], card_no);
    assert_eq!(app.spend_code(&code, Utc::now()).await, Ok(()));
    assert_eq!(
        app.spend_code(&code, Utc::now()).await,
        Err("code.used".into())
    );
    let next: Value = app
        .get_as("/api/v1/me/card/code", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(
        next["code"].as_str().unwrap(),
        code,
        "a spent code is followed by the next one"
    );
    let next_code = next["code"].as_str().unwrap().to_owned();

    let lost = app
        .post(
            "/api/v1/me/card/report-lost",
            &json!({}),
            Some(&member.access),
        )
        .await;
    assert_eq!(lost.status().as_u16(), 200);
    assert_eq!(
        app.spend_code(&next_code, Utc::now()).await,
        Err("card.lost".into())
    );
    let code_now = app.get_as("/api/v1/me/card/code", &member.access).await;
    assert_eq!(problem(code_now, 409).await["code"], "card.lost");

    let replaced = app
        .post("/api/v1/me/card/replace", &json!({}), Some(&member.access))
        .await;
    assert_eq!(replaced.status().as_u16(), 201);
    let new_card: Value = replaced.json().await.unwrap();
    assert_ne!(new_card["card_no"], card_no.as_str());
    assert_eq!(new_card["status"], "active");
    assert_eq!(
        app.spend_code(&next_code, Utc::now()).await,
        Err("card.cancelled".into())
    );
}

#[tokio::test]
async fn admins_see_and_act_only_within_their_subtree() {
    let app = TestApp::spawn().await;
    let nanchang = app.admin("13900000102", "360100").await;
    let ganzhou = app.admin("13900000103", "360700").await;
    let union = app.grassroots(&ganzhou, GANZHOU, "赣州稀土工会").await;
    let member = app.verified_member("13800001002", 2).await;
    let application = app.apply(&member, &union).await;

    let listed: Value = app
        .get_as("/api/v1/admin/membership-applications", &nanchang.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"],
        json!([]),
        "another city's applications are invisible"
    );
    assert_eq!(
        problem(app.approve(&nanchang, &application).await, 404).await["code"],
        "not_found"
    );
    let outside = app
        .post(
            "/api/v1/admin/orgs",
            &json!({ "name": "越界工会", "parent_id": GANZHOU, "level": "grassroots" }),
            Some(&nanchang.access),
        )
        .await;
    assert_eq!(problem(outside, 404).await["code"], "org.not_found");
    let unit: Value = app
        .post(
            "/api/v1/admin/orgs",
            &json!({ "name": "南昌某厂工会", "parent_id": NANCHANG, "level": "grassroots" }),
            Some(&nanchang.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let under_grassroots = app
        .post(
            "/api/v1/admin/orgs",
            &json!({ "name": "错层", "parent_id": unit["id"], "level": "county" }),
            Some(&nanchang.access),
        )
        .await;
    assert_eq!(
        problem(under_grassroots, 409).await["code"],
        "org.level_invalid",
        "the parent exists; its level is what conflicts"
    );
    let as_member = app.approve(&member, &application).await;
    assert_eq!(problem(as_member, 403).await["code"], "auth.forbidden");

    let approved: Value = app
        .approve(&ganzhou, &application)
        .await
        .json()
        .await
        .unwrap();
    let card_id = approved["card"]["id"].as_str().unwrap();
    let foreign_freeze = app
        .post(
            &format!("/api/v1/admin/cards/{card_id}/freeze"),
            &json!({}),
            Some(&nanchang.access),
        )
        .await;
    assert_eq!(problem(foreign_freeze, 404).await["code"], "card.not_found");
    let freeze = app
        .post(
            &format!("/api/v1/admin/cards/{card_id}/freeze"),
            &json!({}),
            Some(&ganzhou.access),
        )
        .await;
    assert_eq!(freeze.status().as_u16(), 200);
    let code = app.get_as("/api/v1/me/card/code", &member.access).await;
    assert_eq!(problem(code, 409).await["code"], "card.frozen");
    let unfreeze = app
        .post(
            &format!("/api/v1/admin/cards/{card_id}/unfreeze"),
            &json!({}),
            Some(&ganzhou.access),
        )
        .await;
    assert_eq!(unfreeze.status().as_u16(), 200);

    let patch = app
        .client
        .patch(app.url(&format!("/api/v1/admin/members/{}", member.account_id)))
        .bearer_auth(&ganzhou.access)
        .json(&json!({ "labor_model_level": "provincial", "hardship": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status().as_u16(), 200);
    let me: Value = app
        .get_as("/api/v1/me", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["labor_model_level"].as_str(), me["hardship"].as_bool()),
        (Some("provincial"), Some(true))
    );
    let foreign_patch = app
        .client
        .patch(app.url(&format!("/api/v1/admin/members/{}", member.account_id)))
        .bearer_auth(&nanchang.access)
        .json(&json!({ "hardship": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(foreign_patch, 404).await["code"],
        "member.not_found"
    );

    let audit: i64 = {
        use gangonghui_persistence::schema::audit_events::dsl::*;
        let mut conn = app.state.db.get().unwrap();
        audit_events
            .filter(action.eq_any([
                "membership.approve",
                "card.freeze",
                "card.unfreeze",
                "member.update",
            ]))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(audit, 4, "every state change is audited");
}

#[tokio::test]
async fn membership_needs_real_name_and_a_grassroots_union() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000104", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "南昌铁路工会").await;
    let unverified = app.register("13800001003").await;
    let response = app
        .post(
            "/api/v1/me/membership-applications",
            &json!({ "org_id": union, "employer": "x" }),
            Some(&unverified.access),
        )
        .await;
    assert_eq!(
        problem(response, 409).await["code"],
        "member.real_name_required"
    );
    let member = app.verified_member("13800001004", 4).await;
    let city = app
        .post(
            "/api/v1/me/membership-applications",
            &json!({ "org_id": NANCHANG, "employer": "x" }),
            Some(&member.access),
        )
        .await;
    assert_eq!(
        problem(city, 409).await["code"],
        "membership.not_grassroots"
    );
    let reject_body = json!({ "reason": "单位信息不符" });
    let application = app.apply(&member, &union).await;
    let rejected = app
        .post(
            &format!("/api/v1/admin/membership-applications/{application}/reject"),
            &reject_body,
            Some(&admin.access),
        )
        .await;
    let rejected: Value = rejected.json().await.unwrap();
    assert_eq!(
        (
            rejected["application"]["status"].as_str(),
            rejected["application"]["reason"].as_str()
        ),
        (Some("rejected"), Some("单位信息不符"))
    );
    assert!(rejected["card"].is_null());
    let card = app.get_as("/api/v1/me/card", &member.access).await;
    assert_eq!(problem(card, 404).await["code"], "card.not_found");
}

#[tokio::test]
async fn the_org_tree_lists_children_page_by_page() {
    let app = TestApp::spawn().await;
    let roots: Value = app.get("/api/v1/orgs").await.json().await.unwrap();
    assert_eq!(roots["items"][0]["division_code"], "360000");
    let province = roots["items"][0]["id"].as_str().unwrap().to_owned();
    let first: Value = app
        .get(&format!("/api/v1/orgs?parent_id={province}&limit=5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .get(&format!(
            "/api/v1/orgs?parent_id={province}&limit=100&cursor={cursor}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rest["items"].as_array().unwrap().len(),
        6,
        "11 cities in all"
    );
    assert!(rest["next_cursor"].is_null());
    let bad = app.get("/api/v1/orgs?limit=1000").await;
    assert_eq!(problem(bad, 422).await["errors"][0]["field"], "limit");
}

#[tokio::test]
async fn the_demo_seed_gives_working_logins_and_can_run_twice() {
    let app = TestApp::spawn().await;
    gangonghui_seed::demo(&app.state).await.unwrap();
    gangonghui_seed::demo(&app.state).await.unwrap();
    let count = |table: &'static str| {
        let mut conn = app.state.db.get().unwrap();
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn)
            .unwrap()
            .n
    };
    assert_eq!(
        (
            count("accounts"),
            count("cards"),
            count("memberships"),
            count("merchants"),
            count("offers"),
            count("legal_aid_cases"),
        ),
        (28, 3, 3, 3, 3, 4),
        "running twice adds nothing"
    );
    let body = json!({ "phone": "13800000101", "password": gangonghui_seed::DEMO_PASSWORD });
    let tokens: Value = app
        .post("/api/v1/auth/login", &body, None)
        .await
        .json()
        .await
        .unwrap();
    let code: Value = app
        .get_as(
            "/api/v1/me/card/code",
            tokens["access_token"].as_str().unwrap(),
        )
        .await
        .json()
        .await
        .unwrap();
    let owner = json!({ "phone": "13700000101", "password": gangonghui_seed::DEMO_PASSWORD });
    let owner: Value = app
        .post("/api/v1/auth/login", &owner, None)
        .await
        .json()
        .await
        .unwrap();
    let preview = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code["code"] }),
            owner["access_token"].as_str(),
        )
        .await;
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(
        preview["eligible_offers"][0]["title"], "会员 88 折",
        "the demo shop sees the demo member's offer: {preview}"
    );
}

/// Row counts and sums a generated data set is judged by.
async fn figures(app: &TestApp) -> Vec<i64> {
    app.state
        .db(|conn| {
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let queries = [
                "SELECT COUNT(*) AS n FROM memberships",
                "SELECT COUNT(*) AS n FROM cards WHERE status = 'active'",
                "SELECT COUNT(*) AS n FROM cards WHERE status <> 'active'",
                "SELECT COUNT(*) AS n FROM redemptions",
                "SELECT COUNT(*) AS n FROM redemption_reversals",
                "SELECT CAST(COALESCE(SUM(original_fen), 0) AS BIGINT) AS n FROM redemptions",
                "SELECT CAST(COALESCE(SUM(discount_fen), 0) AS BIGINT) AS n FROM redemptions",
                "SELECT COUNT(DISTINCT status) AS n FROM legal_aid_cases",
                // Uses of limited offers beyond their limit in any period (must be none).
                "SELECT COUNT(*) AS n FROM (SELECT r.account_id, r.offer_id, r.period_key, COUNT(*) AS used \
                 FROM redemptions r WHERE r.period_key IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM redemption_reversals v WHERE v.redemption_id = r.id) \
                 GROUP BY r.account_id, r.offer_id, r.period_key) u \
                 JOIN offers o ON o.id = u.offer_id WHERE u.used > o.per_member_limit",
            ];
            let mut out = Vec::new();
            for q in queries {
                out.push(diesel::sql_query(q).get_result::<N>(conn)?.n);
            }
            Ok(out)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_generated_data_set_is_repeatable_consistent_and_its_cards_work() {
    let plan = gangonghui_seed::Plan {
        members: 300,
        merchants: 6,
        redemptions: 3000,
        cases: 40,
        seed: 11,
    };
    let app = TestApp::spawn().await;
    let summary = gangonghui_seed::generate(&app.state, plan).await.unwrap();
    assert_eq!(
        (
            summary.members,
            summary.merchants,
            summary.redemptions,
            summary.cases
        ),
        (300, 6, 3000, 40)
    );
    let got = figures(&app).await;
    assert_eq!(got[0], 300, "one membership each");
    assert!(
        got[1] >= 285 && got[2] > 0,
        "mostly active cards, some lost, replaced or frozen: {got:?}"
    );
    assert_eq!(got[3], 3000);
    assert_eq!(got[7], 8, "cases end in every state");
    assert_eq!(got[8], 0, "no member used a limited offer beyond its limit");

    let (keys, now) = (app.state.data_keys.clone(), Utc::now());
    let (checked, kept, recount) = app
        .state
        .db(move |conn| {
            // Every active card's one-time codes work: its secret decrypts and its code checks.
            let cards = gangonghui_persistence::cards::sample_active(conn, 1000)?;
            for card in &cards {
                let step = gangonghui_domain::totp::step_at(now.timestamp());
                let code = codes::format_code(&card.card_no, codes::otp_for(&keys, card, step)?);
                codes::check(conn, &keys, &code, now)?;
            }
            let kept = gangonghui_persistence::rollup::kept(conn)?;
            let recount = gangonghui_persistence::rollup::recount(conn)?;
            Ok((cards.len() as i64, kept, recount))
        })
        .await
        .unwrap();
    assert_eq!(checked, got[1]);
    assert_eq!(
        kept, recount,
        "the monthly figures are rebuilt after the load"
    );

    // The same seed on another database: the same data set.
    let again = TestApp::spawn().await;
    gangonghui_seed::generate(&again.state, plan).await.unwrap();
    assert_eq!(figures(&again).await, got);
}

//! Partner merchants: onboarding by application and approval, staff and POS keys, suspension,
//! and discovery (nearest first, checked against an independent haversine).

use chrono::Utc;
use gangonghui_persistence::{ids, merchants};
use serde_json::{Value, json};

use crate::helpers::{TestApp, application, credit_code, merchant, problem};

/// The worked example of GB 32100-2015, and a second valid code.
const CREDIT_A: &str = "91350100M000100Y43";

#[tokio::test]
async fn a_business_applies_and_an_admin_in_scope_approves() {
    let app = TestApp::spawn().await;
    let nanchang = app.admin("13900000301", "360100").await;
    let ganzhou = app.admin("13900000302", "360700").await;
    let owner = app.register("13800005001").await;

    let bad = app.post("/api/v1/merchant-applications", &json!({
        "name": " ", "credit_code": "91350100M000100Y44", "category": "dining", "division_code": "370102",
        "address": "x", "lat": 95.0, "lng": 115.0, "contact_phone": "123"
    }), Some(&owner.access)).await;
    let body = problem(bad, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "contact_phone",
            "credit_code",
            "division_code",
            "lat",
            "name"
        ]
    );

    let created = app
        .post(
            "/api/v1/merchant-applications",
            &application("老表家常菜", CREDIT_A, 28.68, 115.86),
            Some(&owner.access),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let application_id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice = app
        .post(
            "/api/v1/merchant-applications",
            &application("同一家", CREDIT_A, 28.68, 115.86),
            Some(&owner.access),
        )
        .await;
    assert_eq!(
        problem(twice, 409).await["code"],
        "merchant.application_open"
    );

    let foreign: Value = app
        .get_as("/api/v1/admin/merchant-applications", &ganzhou.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(foreign["items"], json!([]));
    let foreign = app
        .post(
            &format!("/api/v1/admin/merchant-applications/{application_id}/approve"),
            &json!({}),
            Some(&ganzhou.access),
        )
        .await;
    assert_eq!(foreign.status().as_u16(), 404);

    let approved = app
        .post(
            &format!("/api/v1/admin/merchant-applications/{application_id}/approve"),
            &json!({}),
            Some(&nanchang.access),
        )
        .await;
    assert_eq!(approved.status().as_u16(), 200);
    let body: Value = approved.json().await.unwrap();
    let merchant_id = body["merchant"]["id"].as_str().unwrap();
    assert_eq!(body["application"]["status"], "approved");

    let me: Value = app
        .get_as("/api/v1/me", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        me["roles"].as_array().unwrap().contains(
            &json!({ "role": "merchant_staff", "merchant_id": merchant_id, "owner": true })
        ),
        "{me}"
    );
    let listed: Value = app
        .get("/api/v1/merchants?city=360100&category=dining")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], merchant_id);
    let by_name: Value = app
        .get("/api/v1/merchants?q=%E5%AE%B6%E5%B8%B8")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        by_name["items"].as_array().unwrap().len(),
        1,
        "name search (家常)"
    );
    let other_city: Value = app
        .get("/api/v1/merchants?city=360700")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other_city["items"], json!([]));
    let again = app
        .post(
            "/api/v1/merchant-applications",
            &application("再来", CREDIT_A, 28.68, 115.86),
            Some(&owner.access),
        )
        .await;
    assert_eq!(
        problem(again, 409).await["code"],
        "merchant.credit_code_taken"
    );
}

#[tokio::test]
async fn owners_manage_staff_and_keys_and_suspension_stops_them_all() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000303", "360100").await;
    let (owner, merchant_id) = merchant(&app, &admin, "13800005002", &credit_code(1)).await;
    let cashier = app.register("13800005003").await;

    let unknown = app.invite(&owner, "13800005999").await;
    assert_eq!(
        unknown.status().as_u16(),
        202,
        "an unregistered number is invited like any other"
    );
    assert_eq!(
        app.invite(&owner, "13800005003").await.status().as_u16(),
        202
    );
    let before = app.get_as("/api/v1/merchant/staff", &cashier.access).await;
    assert_eq!(
        problem(before, 403).await["code"],
        "auth.forbidden",
        "an invitation alone makes no one staff"
    );
    app.hire(&owner, &cashier, "13800005003").await;
    let staff: Value = app
        .get_as("/api/v1/merchant/staff", &cashier.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        staff["items"].as_array().unwrap().len(),
        2,
        "the cashier works at once, without logging in again"
    );
    let not_owner = app
        .post(
            "/api/v1/merchant/staff",
            &json!({ "phone": "13800005002" }),
            Some(&cashier.access),
        )
        .await;
    assert_eq!(problem(not_owner, 403).await["code"], "merchant.owner_only");

    let key: Value = app
        .post(
            "/api/v1/merchant/api-keys",
            &json!({ "label": "收银台 1 号" }),
            Some(&owner.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let pos_key = key["key"].as_str().unwrap().to_owned();
    let via_key = app
        .client
        .get(app.url("/api/v1/merchant/staff"))
        .header("x-api-key", &pos_key)
        .send()
        .await
        .unwrap();
    assert_eq!(via_key.status().as_u16(), 200);
    let key_as_owner = app
        .client
        .post(app.url("/api/v1/merchant/api-keys"))
        .header("x-api-key", &pos_key)
        .json(&json!({ "label": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(key_as_owner, 403).await["code"],
        "merchant.owner_only",
        "a key never acts as the owner"
    );

    let suspend = app
        .post(
            &format!("/api/v1/admin/merchants/{merchant_id}/suspend"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(suspend.status().as_u16(), 200);
    let listed: Value = app
        .get("/api/v1/merchants?city=360100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"],
        json!([]),
        "a suspended merchant is not listed"
    );
    for response in [
        app.get_as("/api/v1/merchant/staff", &cashier.access).await,
        app.client
            .get(app.url("/api/v1/merchant/staff"))
            .header("x-api-key", &pos_key)
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(problem(response, 403).await["code"], "merchant.suspended");
    }
    let resume = app
        .post(
            &format!("/api/v1/admin/merchants/{merchant_id}/resume"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resume.status().as_u16(), 200);
    assert_eq!(
        app.get_as("/api/v1/merchant/staff", &cashier.access)
            .await
            .status()
            .as_u16(),
        200
    );

    let revoke = app
        .client
        .delete(app.url(&format!(
            "/api/v1/merchant/api-keys/{}",
            key["id"].as_str().unwrap()
        )))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status().as_u16(), 204);
    let revoked = app
        .client
        .get(app.url("/api/v1/merchant/staff"))
        .header("x-api-key", &pos_key)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 401);

    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/merchant/staff/{}", cashier.account_id)))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status().as_u16(), 204);
    let gone = app.get_as("/api/v1/merchant/staff", &cashier.access).await;
    assert_eq!(
        problem(gone, 403).await["code"],
        "auth.forbidden",
        "removed staff lose access on the next request"
    );
    let owner_stays = app
        .client
        .delete(app.url(&format!("/api/v1/merchant/staff/{}", owner.account_id)))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(owner_stays.status().as_u16(), 404);
}

/// Reference distance, written independently of the domain's.
fn haversine_m(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let a = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((lng2 - lng1).to_radians() / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

#[tokio::test]
async fn nearby_search_is_in_true_distance_order() {
    let app = TestApp::spawn().await;
    let center = (28.6820, 115.8580);
    // 120 merchants scattered up to ~0.1 degrees around Nanchang, written straight to the table.
    let points: Vec<(f64, f64)> = (0..120u32)
        .map(|i| {
            let a = f64::from(i) * 2.399_963; // golden-angle spiral
            let r = 0.1 * (f64::from(i) / 120.0).sqrt();
            (center.0 + r * a.sin(), center.1 + r * a.cos())
        })
        .collect();
    let rows = points.clone();
    app.state
        .db(move |conn| {
            let now = Utc::now().naive_utc();
            for (i, (lat, lng)) in rows.into_iter().enumerate() {
                let id = ids::new_id();
                let credit = format!("C{i:017}");
                merchants::insert(
                    conn,
                    &merchants::NewMerchant {
                        id: &id,
                        name: &format!("商户{i}"),
                        credit_code: &credit,
                        category: gangonghui_domain::merchant::Category::Retail,
                        division_code: "360102",
                        city: 1,
                        org_path: "/x/",
                        address: "南昌",
                        lat,
                        lng,
                        contact_phone: "13800000000",
                        status: gangonghui_domain::merchant::MerchantStatus::Active,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let radius = 6_000.0;
    let mut expected: Vec<f64> = points
        .iter()
        .map(|(lat, lng)| haversine_m(center.0, center.1, *lat, *lng))
        .filter(|d| *d <= radius)
        .collect();
    expected.sort_by(f64::total_cmp);

    let mut seen = Vec::new();
    let mut url = format!(
        "/api/v1/merchants?lat={}&lng={}&radius_m={radius}&limit=17",
        center.0, center.1
    );
    loop {
        let page: Value = app.get(&url).await.json().await.unwrap();
        for m in page["items"].as_array().unwrap() {
            let reference = haversine_m(
                center.0,
                center.1,
                m["lat"].as_f64().unwrap(),
                m["lng"].as_f64().unwrap(),
            );
            assert!(
                (m["distance_m"].as_f64().unwrap() - reference).abs() <= 1.0,
                "{m}"
            );
            seen.push(reference);
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                url = format!(
                    "/api/v1/merchants?lat={}&lng={}&radius_m={radius}&limit=17&cursor={cursor}",
                    center.0, center.1
                )
            }
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        expected.len(),
        "every merchant within the radius, once"
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "nearest first across pages"
    );
    for (got, want) in seen.iter().zip(&expected) {
        assert!((got - want).abs() < 1e-6);
    }
    let bad = app.get("/api/v1/merchants?lat=28.6&radius_m=100").await;
    assert_eq!(problem(bad, 422).await["errors"][0]["field"], "lng");
}

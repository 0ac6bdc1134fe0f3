//! Errors over real HTTP: problem+json with a stable code, in the caller's language, naming the
//! request id, for routes that do not exist and methods a route does not take.

use crate::helpers::{TestApp, problem};
use serde_json::json;

#[tokio::test]
async fn an_unknown_route_is_a_404_problem_with_the_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/nothing-here").await;
    let header_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = problem(response, 404).await;
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["title"], "资源不存在");
    assert_eq!(body["request_id"].as_str(), header_id.as_deref());
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/healthz"))
        .header("accept-language", "en")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET")
    );
    let body = problem(response, 405).await;
    assert_eq!(body["code"], "method_not_allowed");
    assert_eq!(body["title"], "Method not allowed");
}

/// Authentication and role are settled before the body, query or Idempotency-Key is judged:
/// the answer never depends on which extractor happened to finish first.
#[tokio::test]
async fn who_may_call_is_answered_before_anything_about_the_request() {
    let app = TestApp::spawn().await;
    for _ in 0..20 {
        let response = app
            .client
            .post(app.url("/api/v1/merchant/redemptions"))
            .header("x-api-key", "ggh_pk_not-a-key")
            .header("content-type", "application/json")
            .header("idempotency-key", " ")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(problem(response, 401).await["code"], "auth.token_invalid");
    }
    let member = app.register("13800009901").await;
    let admin_route = app
        .client
        .post(app.url("/api/v1/admin/orgs"))
        .bearer_auth(&member.access)
        .header("content-type", "application/json")
        .body(r#"{"bogus": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(admin_route, 403).await["code"], "auth.forbidden");
    let query = app
        .client
        .get(app.url("/api/v1/admin/membership-applications?limit=0&status=nope"))
        .bearer_auth(&member.access)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(query, 403).await["code"], "auth.forbidden");
}

/// A query error names the parameter; limits below 1 are `below_minimum`, an empty cursor is the
/// first page.
#[tokio::test]
async fn query_errors_name_the_parameter() {
    let app = TestApp::spawn().await;
    let body = problem(app.get("/api/v1/merchants?limit=0").await, 422).await;
    assert_eq!(body["errors"][0]["field"], "limit");
    assert_eq!(body["errors"][0]["code"], "below_minimum");
    let body = problem(app.get("/api/v1/merchants?limit=ten").await, 422).await;
    assert_eq!(body["errors"][0]["field"], "limit");
    let body = problem(app.get("/api/v1/merchants?category=spaceships").await, 422).await;
    assert_eq!(body["errors"][0]["field"], "category");
    for path in ["/api/v1/merchants?cursor=", "/api/v1/orgs?cursor="] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
}

/// U+0000 is refused wherever a client can put it, on both backends (PostgreSQL's text refuses
/// it, so it must never reach a query): a 4xx naming where it was, and nothing stored.
#[tokio::test]
async fn nul_characters_are_refused_in_paths_queries_and_bodies() {
    let app = TestApp::spawn().await;
    let member = app.register("13800000099").await;
    let body = problem(app.get("/api/v1/orgs?parent_id=ab%00cd").await, 422).await;
    assert_eq!(
        (&body["errors"][0]["field"], &body["errors"][0]["code"]),
        (&json!("parent_id"), &json!("nul_character"))
    );
    // A cursor decoding to U+0000 is only a position: it moves the page, never reaches the
    // database as text that fails.
    let forged = app.get("/api/v1/orgs?cursor=AAA").await;
    assert_eq!(forged.status().as_u16(), 200);
    let path = app.get("/api/v1/merchants/ab%00cd").await;
    assert_eq!(problem(path, 404).await["code"], "not_found");
    let apply = app
        .post(
            "/api/v1/merchant-applications",
            &json!({ "name": "店", "credit_code": "91350100M000100Y43", "category": "food",
                "division_code": "360102", "address": "八一大道\u{0}1 号", "lat": 28.6, "lng": 115.8,
                "contact_phone": "13800000099" }),
            Some(&member.access),
        )
        .await;
    let body = problem(apply, 422).await;
    assert_eq!(body["errors"][0]["field"], "address");
    assert_eq!(body["errors"][0]["code"], "nul_character");
}

/// One text rule everywhere text enters: other control characters and bidi overrides are named
/// like U+0000, and change nothing; line breaks in running text stay allowed.
#[tokio::test]
async fn control_characters_and_bidi_overrides_are_refused_by_one_rule() {
    let app = TestApp::spawn().await;
    let member = app.register("13800000098").await;
    let field_code = |body: &serde_json::Value| {
        (
            body["errors"][0]["field"].clone(),
            body["errors"][0]["code"].clone(),
        )
    };
    let login = json!({ "phone": "13800000098", "password": crate::helpers::PASSWORD,
        "device": "手机\u{1b}[2J" });
    let body = problem(app.post("/api/v1/auth/login", &login, None).await, 422).await;
    assert_eq!(
        field_code(&body),
        (json!("device"), json!("control_character"))
    );
    let body = problem(app.get("/api/v1/orgs?parent_id=a%C2%85b").await, 422).await;
    assert_eq!(
        field_code(&body),
        (json!("parent_id"), json!("control_character"))
    );
    let apply = json!({ "name": "店\u{202E}gpj.exe", "credit_code": "91350100M000100Y43",
        "category": "dining", "division_code": "360102", "address": "八一大道 1 号",
        "lat": 28.6, "lng": 115.8, "contact_phone": "13800000098" });
    let refused = app
        .post(
            "/api/v1/merchant-applications",
            &apply,
            Some(&member.access),
        )
        .await;
    let body = problem(refused, 422).await;
    assert_eq!(
        field_code(&body),
        (json!("name"), json!("control_character"))
    );
    // The same application with an honest name (and a line break in its address) is filed.
    let mut honest = apply.clone();
    honest["name"] = json!("店");
    honest["address"] = json!("八一大道\n1 号");
    let filed = app
        .post(
            "/api/v1/merchant-applications",
            &honest,
            Some(&member.access),
        )
        .await;
    assert_eq!(
        filed.status().as_u16(),
        201,
        "{}",
        filed.text().await.unwrap()
    );
}

//! Health, readiness and the request id, as a load balancer and an operator see them.

use crate::helpers::{TestApp, redis_url};

#[tokio::test]
async fn healthz_answers_ok_with_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert!(
        id.as_deref()
            .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()),
        "{id:?}"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn every_response_gets_its_own_request_id() {
    let app = TestApp::spawn().await;
    let first = app
        .get("/healthz")
        .await
        .headers()
        .get("x-request-id")
        .cloned();
    let second = app
        .get("/healthz")
        .await
        .headers()
        .get("x-request-id")
        .cloned();
    assert!(first.is_some() && second.is_some());
    assert_ne!(first, second);
}

#[tokio::test]
async fn readyz_reports_the_backends_in_use() {
    let app = TestApp::spawn().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let database = if crate::helpers::postgres_admin_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let cache = if redis_url().is_some() {
        "redis"
    } else {
        "memory"
    };
    assert_eq!(
        body,
        serde_json::json!({ "status": "ready", "database": database, "cache": cache, "cache_state": "up" })
    );
}

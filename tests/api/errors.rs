//! Errors over real HTTP: problem+json with a stable code, in the caller's language, naming the
//! request id, for routes that do not exist and methods a route does not take.

use crate::helpers::{TestApp, problem};

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

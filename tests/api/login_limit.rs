//! The failed-login limit per phone (10 per 15 minutes) holds under a burst of parallel guesses,
//! and successful logins never use it up.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, problem};

#[tokio::test]
async fn forty_parallel_wrong_passwords_meet_the_limit_of_ten() {
    let app = &TestApp::spawn().await;
    app.register("13970000001").await;
    let guess = json!({ "phone": "13970000001", "password": "wrong-pass-1" });
    let burst = (0..40).map(|_| app.post("/api/v1/auth/login", &guess, None));
    let mut statuses: Vec<u16> = futures_util::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort_unstable();
    // Ten are judged (401, or 503 when every hashing slot stayed busy: still counted as tries);
    // the other thirty are refused before any password is checked.
    let judged = statuses.iter().filter(|s| [401, 503].contains(*s)).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((judged, limited), (10, 30), "{statuses:?}");
    let right = json!({ "phone": "13970000001", "password": PASSWORD });
    let locked = app.post("/api/v1/auth/login", &right, None).await;
    let body = problem(locked, 429).await;
    assert_eq!(body["code"], "rate_limited", "{body}");
}

#[tokio::test]
async fn successful_logins_do_not_count_as_failures() {
    let app = TestApp::spawn().await;
    app.register("13970000002").await;
    let right = json!({ "phone": "13970000002", "password": PASSWORD });
    for i in 0..15 {
        let response = app.post("/api/v1/auth/login", &right, None).await;
        assert_eq!(response.status().as_u16(), 200, "login {i}");
    }
    let wrong = json!({ "phone": "13970000002", "password": "wrong-pass-1" });
    for i in 0..10 {
        let response = app.post("/api/v1/auth/login", &wrong, None).await;
        assert_eq!(
            response.status().as_u16(),
            401,
            "failure {i} is still within the limit"
        );
    }
    assert_eq!(
        app.post("/api/v1/auth/login", &wrong, None)
            .await
            .status()
            .as_u16(),
        429
    );
}

/// With Redis unreachable the limit is counted in the process instead: it still holds (per
/// instance), and the refusal says which limit and for how long.
#[tokio::test]
async fn the_limit_holds_while_redis_is_unreachable() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("REDIS_URL", "redis://127.0.0.1:1/0".into());
    })
    .await;
    app.register("13970000003").await;
    let wrong = json!({ "phone": "13970000003", "password": "wrong-pass-1" });
    for i in 0..10 {
        let response = app.post("/api/v1/auth/login", &wrong, None).await;
        assert_eq!(response.status().as_u16(), 401, "failure {i}");
    }
    let limited = app.post("/api/v1/auth/login", &wrong, None).await;
    let header = |name: &str| limited.headers()[name].to_str().unwrap().to_owned();
    let (retry_after, rate_limit, policy) = (
        header("retry-after"),
        header("ratelimit"),
        header("ratelimit-policy"),
    );
    assert_eq!(problem(limited, 429).await["code"], "rate_limited");
    assert_eq!(retry_after, "900");
    assert_eq!(rate_limit, "\"login-phone\";r=0;t=900");
    assert_eq!(policy, "\"login-phone\";q=10;w=900");
}

//! The failed-login limits hold under a burst of parallel guesses, successful logins never use
//! them up, and guessing cannot lock an account's owner out: past ten failures from anywhere,
//! password attempts are spaced out, and code login stays open.

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
    assert_eq!(rate_limit, "\"login-phone-ip\";r=0;t=900");
    assert_eq!(policy, "\"login-phone-ip\";q=10;w=900");
}

/// Login from one address, as seen behind the trusted balancer.
async fn login_from(app: &TestApp, ip: &str, body: &serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", ip)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_slows_an_account_down_but_never_locks_its_owner_out() {
    let app = &TestApp::spawn_with(|vars| {
        vars.insert("GGH_TRUSTED_PROXIES", "127.0.0.1".into());
    })
    .await;
    app.register("13970000004").await;
    let wrong = json!({ "phone": "13970000004", "password": "wrong-pass-1" });
    for i in 0..10 {
        let answer = login_from(app, "203.0.113.1", &wrong).await;
        assert_eq!(answer.status().as_u16(), 401, "guess {i}");
    }
    let locked = login_from(app, "203.0.113.1", &wrong).await;
    assert_eq!(
        problem(locked, 429).await["code"],
        "rate_limited",
        "the guesser's address"
    );
    // The owner, on another network, signs in with the right password at once.
    let right = json!({ "phone": "13970000004", "password": PASSWORD });
    assert_eq!(
        login_from(app, "198.51.100.7", &right)
            .await
            .status()
            .as_u16(),
        200
    );
    // Guesses from fresh addresses get one check per growing delay, not one each (the owner's
    // sign-in just took the 1 s slot).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let addresses: Vec<String> = (20..26).map(|i| format!("203.0.113.{i}")).collect();
    let burst = addresses.iter().map(|ip| login_from(app, ip, &wrong));
    let answers = futures_util::future::join_all(burst).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        1,
        "{statuses:?}"
    );
    let slowed = answers.iter().find(|r| r.status().as_u16() == 429).unwrap();
    let wait: u64 = slowed.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "a delay, not a lockout: {wait}");
    // Those guessers took their own network's turn, not the owner's on another network.
    assert_eq!(
        login_from(app, "192.0.2.9", &right).await.status().as_u16(),
        200,
        "the owner's network keeps its own slot"
    );
    // A code login is not behind the password limits.
    let code = app.request_code("13970000004", "login").await;
    let by_code = json!({ "phone": "13970000004", "otp": code });
    assert_eq!(
        login_from(app, "203.0.113.1", &by_code)
            .await
            .status()
            .as_u16(),
        200
    );
}

/// Spending a phone's code checks from one address does not shut its owner, elsewhere, out of
/// code login; a stolen session cannot guess the current password without limit either.
#[tokio::test]
async fn code_login_and_password_change_have_limits_of_their_own() {
    let app = &TestApp::spawn_with(|vars| {
        vars.insert("GGH_TRUSTED_PROXIES", "127.0.0.1".into());
    })
    .await;
    let owner = app.register("13970000005").await;
    let junk = json!({ "phone": "13970000005", "otp": "000000" });
    for _ in 0..21 {
        login_from(app, "203.0.113.9", &junk).await;
    }
    assert_eq!(
        login_from(app, "203.0.113.9", &junk)
            .await
            .status()
            .as_u16(),
        429
    );
    let code = app.request_code("13970000005", "login").await;
    let by_code = json!({ "phone": "13970000005", "otp": code });
    assert_eq!(
        login_from(app, "198.51.100.20", &by_code)
            .await
            .status()
            .as_u16(),
        200
    );

    let change = json!({ "current_password": "not-it-1", "new_password": "newpass2026" });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let answer = app
            .client
            .put(app.url("/api/v1/me/password"))
            .bearer_auth(&owner.access)
            .json(&change)
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [403, 403, 403, 403, 403, 429]);
}

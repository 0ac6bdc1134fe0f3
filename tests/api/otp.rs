//! One-time codes as an attacker and a forgetful user meet them: five tries, single use, the
//! resend cooldown, and the same answer for registered and unregistered phones.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, problem};

#[tokio::test]
async fn five_wrong_codes_lock_the_code() {
    let app = TestApp::spawn().await;
    let code = app.request_code("13600000001", "register").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let form = |otp: &str| json!({ "phone": "13600000001", "otp": otp, "password": PASSWORD, "display_name": "试" });
    for attempt in 1..=5 {
        let response = app.post("/api/v1/auth/register", &form(wrong), None).await;
        assert_eq!(
            problem(response, 401).await["code"],
            "auth.otp_invalid",
            "attempt {attempt}"
        );
    }
    let response = app.post("/api/v1/auth/register", &form(&code), None).await;
    assert_eq!(
        problem(response, 401).await["code"],
        "auth.otp_locked",
        "even the right code is dead now"
    );
}

#[tokio::test]
async fn a_code_works_once() {
    let app = TestApp::spawn().await;
    app.register("13600000002").await;
    let code = app.request_code("13600000002", "login").await;
    let body = json!({ "phone": "13600000002", "otp": code });
    assert_eq!(
        app.post("/api/v1/auth/login", &body, None)
            .await
            .status()
            .as_u16(),
        200
    );
    let again = app.post("/api/v1/auth/login", &body, None).await;
    assert_eq!(problem(again, 401).await["code"], "auth.otp_invalid");
}

#[tokio::test]
async fn a_second_send_within_the_cooldown_is_429_with_retry_after() {
    let app = TestApp::spawn().await;
    app.request_code("13600000003", "login").await;
    let again = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13600000003", "purpose": "login" }),
            None,
        )
        .await;
    let retry_after: u64 = again.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = problem(again, 429).await;
    assert_eq!(body["code"], "auth.otp_cooldown");
    assert_eq!(body["retry_after"], retry_after);
    // Another purpose has its own cooldown.
    app.request_code("13600000003", "reset").await;
}

#[tokio::test]
async fn registered_and_unknown_phones_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.register("13600000004").await;
    let known = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13600000004", "purpose": "login" }),
            None,
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13600000005", "purpose": "login" }),
            None,
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn a_password_reset_with_a_code_ends_every_session() {
    let app = TestApp::spawn().await;
    let session = app.register("13600000006").await;
    let code = app.request_code("13600000006", "reset").await;
    let body = json!({ "phone": "13600000006", "otp": code, "new_password": "fresh2027pw" });
    assert_eq!(
        app.post("/api/v1/auth/password-reset", &body, None)
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(app.me_status(&session.access).await, 401);
    let login = app
        .post(
            "/api/v1/auth/login",
            &json!({ "phone": "13600000006", "password": "fresh2027pw" }),
            None,
        )
        .await;
    assert_eq!(login.status().as_u16(), 200);
}

#[tokio::test]
async fn a_forged_forwarded_for_does_not_escape_the_per_ip_limit() {
    let app = TestApp::spawn().await;
    let mut limited = false;
    for i in 0..31 {
        let response = app
            .client
            .post(app.url("/api/v1/auth/otp"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({ "phone": format!("135000000{i:02}"), "purpose": "register" }))
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 429 {
            assert_eq!(problem(response, 429).await["code"], "rate_limited");
            limited = true;
            assert_eq!(i, 30, "the 31st send from one address is refused");
        }
    }
    assert!(limited, "the untrusted header did not split the limit");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_key() {
    let app = TestApp::spawn_with(|vars| {
        vars.insert("GGH_TRUSTED_PROXIES", "127.0.0.1".into());
    })
    .await;
    for i in 0..31 {
        let response = app
            .client
            .post(app.url("/api/v1/auth/otp"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({ "phone": format!("135100000{i:02}"), "purpose": "register" }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            202,
            "each worker behind the balancer has its own limit"
        );
    }
}

//! WeChat mini-program login through its signed server, against a local stub of code2session.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{TestApp, new_nonce, problem};

/// Answers code2session by the code: `ok-<openid>`, `bad` (40029), `busy` (45011), `slow`,
/// `garbage` (not JSON), `http500`.
async fn code2session(
    query: web::Query<std::collections::HashMap<String, String>>,
) -> HttpResponse {
    assert_eq!(query.get("appid").map(String::as_str), Some("wx-test-app"));
    assert_eq!(
        query.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    let code = query.get("js_code").cloned().unwrap_or_default();
    match code.as_str() {
        "bad" => HttpResponse::Ok().json(json!({ "errcode": 40029, "errmsg": "invalid code" })),
        "busy" => HttpResponse::Ok()
            .json(json!({ "errcode": 45011, "errmsg": "api minute-quota reach limit" })),
        "garbage" => HttpResponse::Ok().body("<html>oops</html>"),
        "http500" => HttpResponse::InternalServerError().finish(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            HttpResponse::Ok().json(json!({ "openid": "late" }))
        }
        other => {
            let openid = other.strip_prefix("ok-").unwrap_or("unknown");
            HttpResponse::Ok().json(json!({ "openid": openid, "session_key": "SESSION-KEY-NEVER-LEAVES", "unionid": format!("u-{openid}") }))
        }
    }
}

async fn spawn_wechat_stub() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server =
        HttpServer::new(|| App::new().route("/sns/jscode2session", web::get().to(code2session)))
            .workers(1)
            .listen(listener)
            .unwrap()
            .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

async fn app_with_stub() -> TestApp {
    let stub = spawn_wechat_stub().await;
    TestApp::spawn_with(move |vars| {
        vars.insert("GGH_WECHAT_API_BASE", stub);
        vars.insert("GGH_WECHAT_TIMEOUT_MS", "500".into());
    })
    .await
}

async fn wechat(app: &TestApp, code: &str) -> reqwest::Response {
    let now = chrono::Utc::now().timestamp();
    app.signed_post(
        "/api/v1/auth/wechat",
        &json!({ "code": code }),
        &new_nonce(),
        now,
    )
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn unbound_then_bound_then_logged_in() {
    let app = app_with_stub().await;
    app.register("13400000001").await;

    let unbound = problem(wechat(&app, "ok-openid-1").await, 404).await;
    assert_eq!(unbound["code"], "auth.wechat_unbound");
    let bind_token = unbound["bind_token"]
        .as_str()
        .expect("a bind token")
        .to_owned();
    assert!(
        !unbound.to_string().contains("SESSION-KEY"),
        "session_key never leaves the server"
    );

    let code = app.request_code("13400000001", "wechat_bind").await;
    let now = chrono::Utc::now().timestamp();
    let bind = json!({ "bind_token": bind_token, "phone": "13400000001", "otp": code });
    let bound = app
        .signed_post("/api/v1/auth/wechat/bind", &bind, &new_nonce(), now)
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status().as_u16(), 200);
    let tokens: Value = bound.json().await.unwrap();
    assert!(!tokens.to_string().contains("SESSION-KEY"));

    let login = wechat(&app, "ok-openid-1").await;
    assert_eq!(login.status().as_u16(), 200);
    let tokens: Value = login.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();

    // A mini-program token works only through the signed proxy.
    let direct = app.get_as("/api/v1/me", access).await;
    assert_eq!(problem(direct, 401).await["code"], "auth.client_required");
    let now = chrono::Utc::now().timestamp();
    let signature = crate::helpers::sign("GET", "/api/v1/me", now, "proxied-nonce-000001", b"");
    let proxied = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(access)
        .header("x-client-id", crate::helpers::MP_CLIENT_ID)
        .header("x-timestamp", now.to_string())
        .header("x-nonce", "proxied-nonce-000001")
        .header("x-signature", signature)
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status().as_u16(), 200);
    // The proxy's own headers never name the member.
    let forged = app.get_as("/api/v1/me", "x").await;
    assert_eq!(forged.status().as_u16(), 401);
}

#[tokio::test]
async fn wechat_failures_are_clear_problems() {
    let app = app_with_stub().await;
    for (code, status, problem_code) in [
        ("bad", 401, "wechat.code_invalid"),
        ("busy", 429, "wechat.rate_limited"),
        ("garbage", 502, "wechat.unavailable"),
        ("http500", 502, "wechat.unavailable"),
        ("slow", 502, "wechat.unavailable"),
    ] {
        let body = problem(wechat(&app, code).await, status).await;
        assert_eq!(body["code"], problem_code, "{code}");
    }
}

#[tokio::test]
async fn the_proxy_signature_is_checked() {
    let app = app_with_stub().await;
    let body = json!({ "code": "ok-x" });
    let now = chrono::Utc::now().timestamp();

    let unsigned = app.post("/api/v1/auth/wechat", &body, None).await;
    assert_eq!(problem(unsigned, 401).await["code"], "auth.client_required");

    // Signed for one body, sent with another.
    let nonce = new_nonce();
    let signature = crate::helpers::sign(
        "POST",
        "/api/v1/auth/wechat",
        now,
        &nonce,
        br#"{"code":"ok-x"}"#,
    );
    let tampered = app
        .post_with_signature(
            "/api/v1/auth/wechat",
            br#"{"code":"ok-y"}"#.to_vec(),
            &signature,
            &nonce,
            now,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(tampered, 401).await["code"],
        "auth.client_signature_invalid"
    );

    let stale = app
        .signed_post("/api/v1/auth/wechat", &body, &new_nonce(), now - 301)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(stale, 401).await["code"],
        "auth.client_signature_invalid"
    );

    let nonce = new_nonce();
    let first = app
        .signed_post("/api/v1/auth/wechat", &body, &nonce, now)
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.status().as_u16(),
        404,
        "valid signature: reaches WeChat (unbound)"
    );
    let replay = app
        .signed_post("/api/v1/auth/wechat", &body, &nonce, now)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(replay, 401).await["code"],
        "auth.client_signature_invalid"
    );
}

//! What every answer carries (no sniffing, no framing, no referrer, no caching of API answers),
//! HEAD on GET routes, and password hashing bounded to the cores under a login flood.

use serde_json::json;

use crate::helpers::{TestApp, problem};

#[tokio::test]
async fn every_answer_carries_the_protective_headers_and_get_routes_answer_head() {
    let app = TestApp::spawn().await;
    let ok = app.get("/api/v1/orgs").await;
    let refused = app.get("/api/v1/me").await;
    for response in [&ok, &refused] {
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(
            h["cache-control"], "no-store",
            "API answers are never cached"
        );
    }
    let body = ok.bytes().await.unwrap();
    let head = app
        .client
        .head(app.url("/api/v1/orgs"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(
        head.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert!(head.bytes().await.unwrap().is_empty(), "HEAD sends no body");
    let anonymous = app.client.head(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        anonymous.status().as_u16(),
        401,
        "HEAD is as guarded as its GET"
    );
    let post_only = app
        .client
        .head(app.url("/api/v1/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(post_only.status().as_u16(), 405);
    problem(refused, 401).await;
}

#[tokio::test]
async fn a_login_flood_never_hashes_more_passwords_at_once_than_there_are_cores() {
    let app = &TestApp::spawn().await;
    let cap = gangonghui_api::auth::password::capacity();
    let logins = (0..(4 * cap + 4)).map(|i| {
        let body = json!({ "phone": format!("1397000{i:04}"), "password": "wrong-pass-1" });
        async move { app.post("/api/v1/auth/login", &body, None).await }
    });
    let answers = futures_util::future::join_all(logins).await;
    for answer in answers {
        // Each is refused as a bad password, or told to retry: never a 5xx of another kind.
        let status = answer.status().as_u16();
        assert!(status == 401 || status == 503, "{status}");
        if status == 503 {
            assert_eq!(problem(answer, 503).await["code"], "auth.busy");
        }
    }
    let peak = gangonghui_api::auth::password::peak_in_flight();
    assert!(
        peak >= 1 && peak <= cap,
        "{peak} hashes ran at once on {cap} cores"
    );
}

/// The log names the client as the connection shows it (no trusted proxy here, so a client's own
/// `X-Forwarded-For` is ignored) and a crafted `User-Agent` cannot forge fields or lines.
#[tokio::test]
async fn the_log_takes_no_client_claims_and_escapes_the_user_agent() {
    let app = TestApp::spawn().await;
    let marker = "ua-marker-7f3a";
    let response = app
        .client
        .get(app.url("/api/v1/orgs"))
        .header("x-forwarded-for", "203.0.113.66")
        .header(
            "user-agent",
            format!("{marker}\" http.client_ip=\"198.51.100.9"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let logs = crate::helpers::logs();
    let line = logs
        .lines()
        .find(|l| l.contains(marker))
        .expect("the request's span is logged with its user agent");
    assert!(line.contains("http.client_ip=\"127.0.0.1\""), "{line}");
    assert!(
        !logs.contains("203.0.113.66"),
        "a client's claim reached the log"
    );
    assert!(
        !line.contains("\" http.client_ip=\"198"),
        "a forged field: {line}"
    );
}

/// CORS is off unless origins are listed; HSTS only when configured; a CSP on every answer,
/// the docs page's allowing its own files only.
#[tokio::test]
async fn cors_and_hsts_follow_the_settings_and_every_answer_has_a_csp() {
    let plain = TestApp::spawn().await;
    let api = plain
        .client
        .get(plain.url("/api/v1/orgs"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(api.headers().get("access-control-allow-origin").is_none());
    assert!(api.headers().get("strict-transport-security").is_none());
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    let docs = plain.get("/docs/").await;
    let csp = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self'") && csp.contains("frame-ancestors 'none'"));

    let app = TestApp::spawn_with(|vars| {
        vars.insert("GGH_CORS_ORIGINS", "https://web.gangonghui.cn".into());
        vars.insert("GGH_HSTS_MAX_AGE", "31536000".into());
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://web.gangonghui.cn").await.unwrap();
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://web.gangonghui.cn"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(refused.status().is_client_error(), "{}", refused.status());
    let ok = app.get("/api/v1/orgs").await;
    assert_eq!(
        ok.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

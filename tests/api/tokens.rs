//! The token matrix: every way an access token can be wrong is a 401 problem with
//! `WWW-Authenticate`, and nothing about the account leaks.

use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{TEST_KEY, TestApp, problem};

/// Signs `claims` as the server would, with `kid` and key adjustable.
fn forge(claims: &Value, kid: Option<&str>, secret: &str) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

#[tokio::test]
async fn every_bad_token_is_a_401() {
    let app = TestApp::spawn().await;
    let session = app.register("13700000001").await;
    let revoked = app.login("13700000001", "soon revoked").await;
    app.post("/api/v1/auth/logout", &json!({}), Some(&revoked.access))
        .await;

    let header: Value = {
        use base64::Engine;
        let first = session.access.split('.').next().unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(first)
                .unwrap(),
        )
        .unwrap()
    };
    let kid = header["kid"].as_str().unwrap();
    let now = Utc::now().timestamp();
    let valid = json!({
        "iss": "gangonghui", "aud": "ggh-app", "sub": session.account_id, "sid": session.session_id,
        "exp": now + 600, "nbf": now, "iat": now, "jti": "j-1"
    });
    let with = |field: &str, value: Value| {
        let mut claims = valid.clone();
        claims[field] = value;
        claims
    };
    // The forging itself is right: the unmodified claims are accepted.
    assert_eq!(
        app.me_status(&forge(&valid, Some(kid), TEST_KEY)).await,
        200
    );

    let cases: Vec<(&str, String)> = vec![
        (
            "expired",
            forge(&with("exp", json!(now - 120)), Some(kid), TEST_KEY),
        ),
        (
            "not yet valid",
            forge(&with("nbf", json!(now + 600)), Some(kid), TEST_KEY),
        ),
        ("wrong signature", forge(&valid, Some(kid), &"f".repeat(64))),
        (
            "wrong issuer",
            forge(&with("iss", json!("someone-else")), Some(kid), TEST_KEY),
        ),
        (
            "wrong audience",
            forge(
                &with("aud", json!("ggh-admin-console")),
                Some(kid),
                TEST_KEY,
            ),
        ),
        (
            "bind-token audience",
            forge(&with("aud", json!("ggh-wechat-bind")), Some(kid), TEST_KEY),
        ),
        ("unknown kid", forge(&valid, Some("0123456789ab"), TEST_KEY)),
        ("no kid", forge(&valid, None, TEST_KEY)),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(&json!({ "alg": "none", "typ": "JWT", "kid": kid })),
                b64(&valid)
            ),
        ),
        (
            "other account's sid",
            forge(&with("sub", json!("someone")), Some(kid), TEST_KEY),
        ),
        ("refresh token as access", session.refresh.clone()),
        ("malformed", "not.a.jwt".to_owned()),
        ("revoked session", revoked.access.clone()),
    ];
    for (name, token) in cases {
        let response = app.get_as("/api/v1/me", &token).await;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(response.status().as_u16(), 401, "{name}");
        assert!(
            challenge.is_some_and(|c| c.starts_with("Bearer")),
            "{name}: WWW-Authenticate"
        );
        let body = problem(response, 401).await;
        assert!(
            !body.to_string().contains(&session.account_id),
            "{name}: leaks the account id"
        );
    }

    let missing = app.get("/api/v1/me").await;
    assert_eq!(problem(missing, 401).await["code"], "auth.token_missing");
    // An access token is no refresh token.
    let swapped = app
        .post(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": session.access }),
            None,
        )
        .await;
    assert_eq!(problem(swapped, 401).await["code"], "auth.refresh_invalid");
}

//! The HTTP SMS provider against a local stub gateway: what it sends, and what a failing gateway
//! does to the request (502, and the undelivered code neither works nor blocks a resend).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

#[derive(Default)]
struct Gateway {
    received: Mutex<Vec<(Option<String>, Value)>>,
    fail: Mutex<bool>,
}

async fn send(
    gateway: web::Data<Arc<Gateway>>,
    req: HttpRequest,
    body: web::Json<Value>,
) -> HttpResponse {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    gateway
        .received
        .lock()
        .unwrap()
        .push((auth, body.into_inner()));
    if *gateway.fail.lock().unwrap() {
        HttpResponse::ServiceUnavailable().finish()
    } else {
        HttpResponse::Ok().json(json!({ "ok": true }))
    }
}

async fn spawn_gateway() -> (String, Arc<Gateway>) {
    let gateway = Arc::new(Gateway::default());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let data = web::Data::new(Arc::clone(&gateway));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/send", web::post().to(send))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/send"), gateway)
}

#[tokio::test]
async fn codes_go_to_the_gateway_and_a_failing_gateway_is_a_502() {
    let (url, gateway) = spawn_gateway().await;
    let app = TestApp::spawn_with(move |vars| {
        vars.insert("GGH_SMS_PROVIDER", "http".into());
        vars.insert("GGH_SMS_HTTP_URL", url);
        vars.insert("GGH_SMS_HTTP_KEY", "gateway-key-1".into());
    })
    .await;

    let sent = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13100000001", "purpose": "register" }),
            None,
        )
        .await;
    assert_eq!(sent.status().as_u16(), 202);
    let (auth, message) = gateway.received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(auth.as_deref(), Some("Bearer gateway-key-1"));
    assert_eq!(
        (message["phone"].clone(), message["purpose"].clone()),
        (json!("13100000001"), json!("register"))
    );
    let code = message["code"].as_str().unwrap().to_owned();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    let registered = app
        .post("/api/v1/auth/register", &json!({ "phone": "13100000001", "otp": code, "password": "gongren2026", "display_name": "网关" }), None)
        .await;
    assert_eq!(
        registered.status().as_u16(),
        201,
        "the code the gateway received works"
    );

    *gateway.fail.lock().unwrap() = true;
    let failed = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13100000002", "purpose": "login" }),
            None,
        )
        .await;
    assert_eq!(problem(failed, 502).await["code"], "sms.unavailable");
    *gateway.fail.lock().unwrap() = false;
    let retried = app
        .post(
            "/api/v1/auth/otp",
            &json!({ "phone": "13100000002", "purpose": "login" }),
            None,
        )
        .await;
    assert_eq!(
        retried.status().as_u16(),
        202,
        "an undelivered code does not hold the cooldown"
    );
}

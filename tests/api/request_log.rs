//! The log as an operator's collector reads it: one JSON line per request with its id, route,
//! method, status, latency and caller (ids only), the load balancer's request id believed only
//! from a trusted proxy, and one line per 5xx with the cause chain.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use actix_web::get;
use gangonghui_api::ApiError;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, logs};

/// The server binary, logging JSON to stdout, on a fresh SQLite file; its stdout lines arrive
/// on the returned channel.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    dir: std::path::PathBuf,
}

impl Server {
    fn start() -> Server {
        let dir = std::env::temp_dir().join(format!("ggh-log-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gangonghui"))
            .arg("serve")
            .current_dir(&dir)
            .env_clear()
            .env("GGH_LOG_FORMAT", "json")
            .env("GGH_BIND", "127.0.0.1:0")
            .env("GGH_DATA_DIR", dir.join("data"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("ggh.db").display()),
            )
            .env("GGH_JWT_SECRET", crate::helpers::TEST_KEY)
            .env("GGH_DATA_KEY", crate::helpers::TEST_KEY)
            .env(
                "GGH_SMS_PROVIDER",
                format!("outbox:{}", dir.join("sms.jsonl").display()),
            )
            .env("GGH_TRUSTED_PROXIES", "127.0.0.1")
            .env("GGH_WORKERS", "1")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Server {
            child,
            lines,
            seen: Vec::new(),
            dir,
        }
    }

    /// The next line (within 30 s) that is JSON and passes `wanted`.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no such line in:\n{}", self.seen.join("\n")));
            self.seen.push(line.clone());
            let parsed: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            if wanted(&parsed) {
                return parsed;
            }
        }
    }

    fn code(&self, phone: &str) -> String {
        let outbox = std::fs::read_to_string(self.dir.join("sms.jsonl")).unwrap();
        let last = outbox
            .lines()
            .rev()
            .map(|l| serde_json::from_str::<Value>(l).unwrap());
        let message = last.into_iter().find(|m| m["phone"] == phone).unwrap();
        message["code"].as_str().unwrap().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The request line of `route` answered `status`.
fn request_line(route: &'static str, status: u16) -> impl Fn(&Value) -> bool {
    move |line| {
        line["message"] == "request completed" && line["route"] == route && line["status"] == status
    }
}

#[tokio::test]
async fn each_request_writes_one_json_line_that_names_ids_but_no_secrets() {
    let mut server = Server::start();
    let started = server.wait_for(|l| {
        l["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))
    });
    let base = format!("http://{}", started["addr"].as_str().unwrap());
    let client = reqwest::Client::new();
    let phone = "13812345678";

    let sent = client
        .post(format!("{base}/api/v1/auth/otp"))
        .json(&json!({ "phone": phone, "purpose": "register" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 202);
    server.wait_for(request_line("/api/v1/auth/otp", 202));
    let otp = server.code(phone);
    let register =
        json!({ "phone": phone, "otp": otp, "password": PASSWORD, "display_name": "日志测试" });
    let registered = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&register)
        .send();
    assert_eq!(registered.await.unwrap().status().as_u16(), 201);

    // Through the load balancer (127.0.0.1 is trusted here): its request id is kept.
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-request-id", "lb-7f3a9c-0001")
        .json(&json!({ "phone": phone, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200);
    assert_eq!(login.headers()["x-request-id"], "lb-7f3a9c-0001");
    let tokens: Value = login.json().await.unwrap();
    let line = server.wait_for(request_line("/api/v1/auth/login", 200));
    assert_eq!(line["request_id"], "lb-7f3a9c-0001");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["level"], "INFO");
    assert!(
        line["latency_ms"].as_f64().is_some_and(|ms| ms > 0.0),
        "{line}"
    );
    assert!(
        line.get("account_id").is_none(),
        "nobody was authenticated yet: {line}"
    );

    let access = tokens["access_token"].as_str().unwrap();
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let generated = me.headers()["x-request-id"].to_str().unwrap().to_owned();
    let me: Value = me.json().await.unwrap();
    let line = server.wait_for(request_line("/api/v1/me", 200));
    assert_eq!(line["account_id"], me["id"], "{line}");
    assert_eq!(line["request_id"], generated.as_str());
    assert_eq!(line["method"], "GET");

    let missing = client
        .get(format!("{base}/api/v1/merchants/no-such-shop"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let line = server.wait_for(request_line("/api/v1/merchants/{id}", 404));
    assert_eq!(line["code"], "merchant.not_found");

    let everything = server.seen.join("\n");
    // (The six-digit code is left out: six digits turn up in timestamps and ids by chance.)
    for secret in [phone, PASSWORD, access] {
        assert!(
            !everything.contains(secret),
            "`{secret}` reached the log:\n{everything}"
        );
    }
}

#[tokio::test]
async fn a_request_id_is_believed_only_from_a_trusted_proxy() {
    let direct = TestApp::spawn().await;
    let forged = direct
        .client
        .get(direct.url("/healthz"))
        .header("x-request-id", "forged-by-client")
        .send()
        .await
        .unwrap();
    let id = forged.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let behind_lb = TestApp::spawn_with(|vars| {
        vars.insert("GGH_TRUSTED_PROXIES", "127.0.0.1".into());
    })
    .await;
    let kept = behind_lb
        .client
        .get(behind_lb.url("/api/v1/nothing-here"))
        .header("x-request-id", "lb-trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-trace-42");
    let body: Value = kept.json().await.unwrap();
    assert_eq!(body["request_id"], "lb-trace-42");
}

/// Fails the way a broken dependency does: an internal error with causes.
#[utoipa::path(responses((status = 500)))]
#[get("/probe/broken")]
async fn broken_probe() -> Result<&'static str, ApiError> {
    let root = anyhow::anyhow!("connection reset by peer");
    Err(ApiError::internal(root.context("loading the offer rules")))
}

fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    gangonghui_api::routes::configure(cfg);
    cfg.service(broken_probe);
}

#[tokio::test]
async fn a_5xx_writes_one_line_with_its_cause_chain() {
    let app = TestApp::spawn_with_routes(|_| {}, routes).await;
    let response = app.get("/probe/broken").await;
    assert_eq!(response.status().as_u16(), 500);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "internal_error");
    assert!(
        !body.to_string().contains("connection reset"),
        "causes stay in the log"
    );

    let logs = logs();
    let ours: Vec<&str> = logs.lines().filter(|l| l.contains(&id)).collect();
    let failures: Vec<&&str> = ours
        .iter()
        .filter(|l| l.contains("request failed"))
        .collect();
    assert_eq!(failures.len(), 1, "{ours:#?}");
    assert!(
        failures[0].contains("internal error: loading the offer rules: connection reset by peer"),
        "{}",
        failures[0]
    );
    let completed = ours
        .iter()
        .filter(|l| l.contains("request completed"))
        .count();
    assert_eq!(completed, 1, "{ours:#?}");
}

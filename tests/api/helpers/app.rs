//! `TestApp`: a fresh database, a fresh cache namespace, an SMS outbox and the real server, per
//! test; helpers that read like the client apps.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use actix_web::dev::ServerHandle;
use gangonghui_api::{AppState, Application, Settings};
use gangonghui_persistence::testdb::TestDb;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

pub fn postgres_admin_url() -> Option<String> {
    std::env::var("GGH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

pub fn redis_url() -> Option<String> {
    std::env::var("GGH_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

pub const TEST_KEY: &str = "5c1e0f3a9b7d2e4c6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c2e4f6a8b0d";
pub const PASSWORD: &str = "gongren2026";
pub const MP_CLIENT_ID: &str = "test-miniprogram";
pub const MP_CLIENT_SECRET: &str = "mini-program-proxy-secret-0123456789abcdef";

/// Every log line of the test process, so tests can prove what never reaches the log.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Captured;

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        if std::env::var("TEST_LOG").is_ok() {
            std::io::stderr().write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "debug,actix_server=warn,h2=info,hyper=info,reqwest=info",
            ))
            .with_ansi(false)
            .with_writer(|| Captured)
            .try_init();
    });
}

pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

/// A logged-in session as the client holds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub account_id: String,
    pub access: String,
    pub refresh: String,
    pub session_id: String,
}

impl Session {
    pub fn from_tokens(account_id: &str, tokens: &Value) -> Session {
        Session {
            account_id: account_id.to_owned(),
            access: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
            session_id: tokens["session_id"].as_str().unwrap().to_owned(),
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Where `/metrics` answers, when `GGH_METRICS_BIND` was set.
    pub metrics_address: Option<String>,
    outbox: PathBuf,
    handle: ServerHandle,
    cache_prefix: String,
    /// The settings it was started with, for replicas.
    vars: HashMap<&'static str, String>,
    _db: TestDb,
}

/// A second instance of the same deployment, as behind a load balancer: the same database,
/// cache and keys, its own port and process state.
pub struct Replica {
    pub address: String,
    handle: ServerHandle,
}

impl Replica {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(self.handle.stop(false));
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `tweak` (keys are the environment variable names).
    pub async fn spawn_with(tweak: impl FnOnce(&mut HashMap<&'static str, String>)) -> TestApp {
        Self::spawn_with_routes(tweak, gangonghui_api::routes::configure).await
    }

    /// Spawns serving `routes` instead of the API's own (to add test probes beside them).
    pub async fn spawn_with_routes(
        tweak: impl FnOnce(&mut HashMap<&'static str, String>),
        routes: fn(&mut utoipa_actix_web::service_config::ServiceConfig<'_>),
    ) -> TestApp {
        capture_logs();
        let admin = postgres_admin_url();
        let db = tokio::task::spawn_blocking(move || TestDb::fresh(admin.as_deref()))
            .await
            .unwrap()
            .expect("a fresh test database (is GGH_TEST_DATABASE_URL reachable?)");
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let cache_prefix = format!("ggh_test:{unique}:");
        let outbox = std::env::temp_dir().join(format!("ggh-outbox-{unique}.jsonl"));
        let mut vars: HashMap<&'static str, String> = HashMap::from([
            ("GGH_BIND", "127.0.0.1:0".to_owned()),
            ("DATABASE_URL", db.url().to_owned()),
            ("GGH_JWT_SECRET", TEST_KEY.to_owned()),
            ("GGH_DATA_KEY", TEST_KEY.to_owned()),
            ("GGH_WORKERS", "2".to_owned()),
            ("GGH_CACHE_PREFIX", cache_prefix.clone()),
            ("GGH_SHUTDOWN_TIMEOUT", "5".to_owned()),
            ("GGH_SMS_PROVIDER", format!("outbox:{}", outbox.display())),
            ("GGH_MINIPROGRAM_CLIENT_ID", MP_CLIENT_ID.to_owned()),
            ("GGH_MINIPROGRAM_CLIENT_SECRET", MP_CLIENT_SECRET.to_owned()),
            ("GGH_WECHAT_APP_ID", "wx-test-app".to_owned()),
            ("GGH_WECHAT_APP_SECRET", "wx-test-secret".to_owned()),
        ]);
        if let Some(url) = redis_url() {
            vars.insert("REDIS_URL", url);
        }
        tweak(&mut vars);
        let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
        if settings.environment == gangonghui_api::settings::Environment::Production {
            // As `gangonghui migrate` before a production rollout: serve refuses an old schema.
            gangonghui_api::startup::open_database(&settings.database_url, |_| {})
                .await
                .expect("test database migrates");
        }
        let app = Application::build_with_routes(settings, routes)
            .await
            .expect("application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        let handle = app.handle();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            state,
            metrics_address,
            outbox,
            handle,
            cache_prefix,
            vars,
            _db: db,
        }
    }

    /// Starts another instance on this one's database and cache.
    pub async fn replica(&self) -> Replica {
        let settings = Settings::from_lookup(|k| self.vars.get(k).cloned()).expect("test settings");
        let app = Application::build_with_routes(settings, gangonghui_api::routes::configure)
            .await
            .expect("replica starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Replica { address, handle }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// The newest code the outbox holds for the phone and purpose.
    pub fn last_code(&self, phone: &str, purpose: &str) -> Option<String> {
        let text = std::fs::read_to_string(&self.outbox).unwrap_or_default();
        text.lines()
            .rev()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|m| m["phone"] == phone && m["purpose"] == purpose)
            .map(|m| m["code"].as_str().unwrap().to_owned())
    }

    /// Asks for a code as the app does and reads it from the SMS outbox.
    pub async fn request_code(&self, phone: &str, purpose: &str) -> String {
        let response = self
            .post(
                "/api/v1/auth/otp",
                &json!({ "phone": phone, "purpose": purpose }),
                None,
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            202,
            "{:?}",
            response.text().await
        );
        self.last_code(phone, purpose)
            .expect("a code in the outbox")
    }

    pub async fn register(&self, phone: &str) -> Session {
        let code = self.request_code(phone, "register").await;
        let body = json!({ "phone": phone, "otp": code, "password": PASSWORD, "display_name": "测试会员" });
        let response = self.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(response.status().as_u16(), 201);
        let body: Value = response.json().await.unwrap();
        Session::from_tokens(body["member"]["id"].as_str().unwrap(), &body["tokens"])
    }

    pub async fn login(&self, phone: &str, device: &str) -> Session {
        let body = json!({ "phone": phone, "password": PASSWORD, "device": device });
        let response = self.post("/api/v1/auth/login", &body, None).await;
        assert_eq!(response.status().as_u16(), 200);
        let tokens: Value = response.json().await.unwrap();
        let me: Value = self
            .get_as("/api/v1/me", tokens["access_token"].as_str().unwrap())
            .await
            .json()
            .await
            .unwrap();
        Session::from_tokens(me["id"].as_str().unwrap(), &tokens)
    }

    /// The status of `GET /api/v1/me` with this access token.
    pub async fn me_status(&self, token: &str) -> u16 {
        self.get_as("/api/v1/me", token).await.status().as_u16()
    }

    /// A request signed as the mini-program's server signs it.
    pub fn signed_post(
        &self,
        path: &str,
        body: &Value,
        nonce: &str,
        timestamp: i64,
    ) -> reqwest::RequestBuilder {
        let bytes = serde_json::to_vec(body).unwrap();
        let signature = sign("POST", path, timestamp, nonce, &bytes);
        self.post_with_signature(path, bytes, &signature, nonce, timestamp)
    }

    pub fn post_with_signature(
        &self,
        path: &str,
        bytes: Vec<u8>,
        signature: &str,
        nonce: &str,
        timestamp: i64,
    ) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .header("x-client-id", MP_CLIENT_ID)
            .header("x-timestamp", timestamp.to_string())
            .header("x-nonce", nonce)
            .header("x-signature", signature)
            .body(bytes)
    }
}

pub fn sign(method: &str, path: &str, timestamp: i64, nonce: &str, body: &[u8]) -> String {
    use sha2::Digest;
    let body_hash = hex::encode(sha2::Sha256::digest(body));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(MP_CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body_hash}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(self.handle.stop(false));
        }
        let _ = std::fs::remove_file(&self.outbox);
        if let Some(url) = redis_url() {
            delete_keys(&url, &self.cache_prefix);
        }
    }
}

/// Removes this test's cache namespace.
fn delete_keys(url: &str, prefix: &str) {
    let Ok(mut conn) = redis::Client::open(url).and_then(|c| c.get_connection()) else {
        return;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<i64, _> = redis::cmd("DEL").arg(keys).query(&mut conn);
    }
}

/// The body of a problem answer, after checking it is one.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["status"], status);
    body
}

//! `TestApp`: a fresh database, a fresh cache namespace and the real server, per test.

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use gangonghui_api::{AppState, Application, Settings};
use gangonghui_persistence::testdb::TestDb;

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

const TEST_KEY: &str = "5c1e0f3a9b7d2e4c6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c2e4f6a8b0d";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    handle: ServerHandle,
    cache_prefix: String,
    _db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `tweak` (keys are the environment variable names).
    pub async fn spawn_with(tweak: impl FnOnce(&mut HashMap<&'static str, String>)) -> TestApp {
        if std::env::var("TEST_LOG").is_ok() {
            gangonghui_api::telemetry::init();
        }
        let admin = postgres_admin_url();
        let db = tokio::task::spawn_blocking(move || TestDb::fresh(admin.as_deref()))
            .await
            .unwrap()
            .expect("a fresh test database (is GGH_TEST_DATABASE_URL reachable?)");
        let cache_prefix = format!("ggh_test:{}:", uuid::Uuid::new_v4().simple());
        let mut vars: HashMap<&'static str, String> = HashMap::from([
            ("GGH_BIND", "127.0.0.1:0".to_owned()),
            ("DATABASE_URL", db.url().to_owned()),
            ("GGH_JWT_SECRET", TEST_KEY.to_owned()),
            ("GGH_DATA_KEY", TEST_KEY.to_owned()),
            ("GGH_WORKERS", "2".to_owned()),
            ("GGH_CACHE_PREFIX", cache_prefix.clone()),
            ("GGH_SHUTDOWN_TIMEOUT", "5".to_owned()),
        ]);
        if let Some(url) = redis_url() {
            vars.insert("REDIS_URL", url);
        }
        tweak(&mut vars);
        let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
        let app = Application::build(settings)
            .await
            .expect("application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            state,
            handle,
            cache_prefix,
            _db: db,
        }
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
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(self.handle.stop(false));
        }
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
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.expect("problem JSON");
    assert_eq!(body["status"], status);
    body
}

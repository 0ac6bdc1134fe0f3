//! Legal-aid fixtures: officers, members of a union, requests filed and moved as the member app
//! and the officers' console do, evidence sent as a browser sends a form, the SMS notices, and
//! the case rows as they lie in the database.

use std::ops::Deref;
use std::path::PathBuf;
use std::time::Duration;

use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::settings::SmsSetting;
use gangonghui_domain::{Phone, Role};
use serde_json::{Value, json};

use super::app::{PASSWORD, Session, TestApp};

pub const PROVINCE: &str = "00000000-0000-7000-8000-000000360000";
pub const JINGDEZHEN: &str = "00000000-0000-7000-8000-000000360200";

/// Every state of a case, in the order the workflow reaches them.
pub const STATES: [&str; 8] = [
    "submitted",
    "accepted",
    "rejected",
    "assigned",
    "mediation",
    "resolved",
    "closed",
    "withdrawn",
];

/// Who moves cases in a test: the applicant withdraws, the handler does everything else and
/// assigns to `assignee` (an officer's account id).
pub struct Movers<'a> {
    pub applicant: &'a Session,
    pub handler: &'a Session,
    pub assignee: &'a str,
}

/// A request as the member app sends it, consent given.
pub fn request(category: &str, employer: &str, phone: &str, org: Option<&str>) -> Value {
    let mut body = json!({
        "category": category, "employer_name": employer, "claim_amount_fen": 1_860_000,
        "description": format!("{employer}拖欠2026年9月至11月工资，共计18600元。"),
        "contact_phone": phone, "consent": true,
    });
    if let Some(org) = org {
        body["org_id"] = org.into();
    }
    body
}

/// A move to `to` carrying exactly the fields its target requires.
pub fn move_body(to: &str, assignee: &str, recovered_fen: i64) -> Value {
    match to {
        "rejected" => json!({ "to": to, "reason": "材料不足，请补充劳动合同" }),
        "assigned" => json!({ "to": to, "assignee_id": assignee }),
        "resolved" => json!({ "to": to, "recovered_fen": recovered_fen }),
        _ => json!({ "to": to }),
    }
}

/// The moves (targets) that take a new case to `state`.
fn path_to(state: &str) -> &'static [&'static str] {
    match state {
        "accepted" => &["accepted"],
        "rejected" => &["rejected"],
        "assigned" => &["accepted", "assigned"],
        "mediation" => &["accepted", "assigned", "mediation"],
        "resolved" => &["accepted", "assigned", "resolved"],
        "closed" => &["accepted", "assigned", "closed"],
        "withdrawn" => &["withdrawn"],
        _ => &[],
    }
}

/// The one field error of a 422: its field and code.
pub async fn field_error(response: reqwest::Response) -> (String, String) {
    let body = super::app::problem(response, 422).await;
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    let error = &body["errors"][0];
    (
        error["field"].as_str().unwrap().into(),
        error["code"].as_str().unwrap().into(),
    )
}

/// A [`TestApp`] whose evidence files go to a directory of its own, two levels below a fresh
/// root (so a traversal would land inside the root, where a test can look for it); the root is
/// removed with it.
pub struct LegalAidApp(TestApp);

impl Deref for LegalAidApp {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.0
    }
}

impl Drop for LegalAidApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.evidence_root());
    }
}

pub async fn spawn_legal_aid() -> LegalAidApp {
    let root = std::env::temp_dir().join(format!("ggh-evidence-{}", uuid::Uuid::new_v4()));
    let dir = root.join("store").join("files");
    let app = TestApp::spawn_with(|vars| {
        vars.insert("GGH_ATTACHMENTS_DIR", dir.display().to_string());
    })
    .await;
    LegalAidApp(app)
}

impl TestApp {
    pub async fn officer(&self, phone: &str, division: &str) -> Session {
        let password = gangonghui_domain::account::NewPassword::parse(PASSWORD).ok();
        let org = OrgRef::Division(division.into());
        let phone_parsed = Phone::parse(phone).unwrap();
        create_or_promote(
            &self.state,
            phone_parsed,
            password,
            Role::LegalAidOfficer,
            org,
            None,
        )
        .await
        .unwrap();
        self.login(phone, "officer console").await
    }

    /// A verified member whose application to `union` the admin approved.
    pub async fn member_of(&self, admin: &Session, union: &str, phone: &str, seq: u32) -> Session {
        let member = self.verified_member(phone, seq).await;
        let application = self.apply(&member, union).await;
        assert_eq!(
            self.approve(admin, &application).await.status().as_u16(),
            200
        );
        member
    }

    /// The root of this app's evidence directory (see [`LegalAidApp`]).
    pub fn evidence_root(&self) -> PathBuf {
        let dir = &self.state.settings.attachments_dir;
        dir.parent().and_then(|p| p.parent()).unwrap().to_owned()
    }

    pub async fn file(&self, who: &Session, body: &Value) -> reqwest::Response {
        self.post("/api/v1/legal-aid/requests", body, Some(&who.access))
            .await
    }

    /// Files a request that must be taken (201); the case as answered.
    pub async fn file_case(&self, who: &Session, body: &Value) -> Value {
        let response = self.file(who, body).await;
        assert_eq!(
            response.status().as_u16(),
            201,
            "{:?}",
            response.text().await
        );
        response.json().await.unwrap()
    }

    pub async fn transition(&self, who: &Session, case: &str, body: &Value) -> reqwest::Response {
        let path = format!("/api/v1/legal-aid/requests/{case}/transitions");
        self.post(&path, body, Some(&who.access)).await
    }

    /// A move that must succeed; the case as answered.
    pub async fn moved(&self, who: &Session, case: &str, body: &Value) -> Value {
        let response = self.transition(who, case, body).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "{body}: {:?}",
            response.text().await
        );
        response.json().await.unwrap()
    }

    /// Takes a new case to `state` by the workflow's own moves; the case as it ends.
    pub async fn drive(&self, m: &Movers<'_>, case: &str, state: &str, recovered: i64) -> Value {
        let mut last = self.case_as(m.applicant, case).await;
        for &to in path_to(state) {
            let who = if to == "withdrawn" {
                m.applicant
            } else {
                m.handler
            };
            last = self
                .moved(who, case, &move_body(to, m.assignee, recovered))
                .await;
        }
        assert_eq!(last["status"], state);
        last
    }

    /// A GET that must answer 200; its JSON body.
    pub async fn json_as(&self, who: &Session, path: &str) -> Value {
        let response = self.get_as(path, &who.access).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "{path}: {:?}",
            response.text().await
        );
        response.json().await.unwrap()
    }

    pub async fn case_as(&self, who: &Session, case: &str) -> Value {
        self.json_as(who, &format!("/api/v1/legal-aid/requests/{case}"))
            .await
    }

    /// Sends one file as a browser form does: a `multipart/form-data` body, part `file`.
    pub async fn upload(
        &self,
        token: Option<&str>,
        case: &str,
        name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let boundary = format!("ggh-{}", uuid::Uuid::new_v4().simple());
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let url = self.url(&format!("/api/v1/legal-aid/requests/{case}/attachments"));
        let mut request = self
            .client
            .post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// The legal-aid notices in the SMS outbox, waiting up to five seconds for `at_least` of
    /// them (they are sent in the background after the move commits).
    pub async fn notices(&self, at_least: usize) -> Vec<Value> {
        let SmsSetting::Outbox(path) = &self.state.settings.sms else {
            panic!("tests send SMS to an outbox");
        };
        for _ in 0..100 {
            let found: Vec<Value> = std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter(|m| m["purpose"] == "legal_aid_update")
                .collect();
            if found.len() >= at_least {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("fewer than {at_least} legal-aid notices in the outbox");
    }

    /// The whole test database as an attacker holding a copy would read it: `pg_dump` of the
    /// PostgreSQL database, or the SQLite file and its write-ahead log, byte for byte.
    pub fn dump_database(&self) -> String {
        let url = &self.state.settings.database_url;
        match url.strip_prefix("sqlite://") {
            Some(path) => {
                let mut bytes = std::fs::read(path).unwrap();
                bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
                String::from_utf8_lossy(&bytes).into_owned()
            }
            None => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--data-only", "--no-owner", url])
                    .output()
                    .expect("pg_dump runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout).unwrap()
            }
        }
    }
}

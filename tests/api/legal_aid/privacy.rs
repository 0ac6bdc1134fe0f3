//! What a realistic legal-aid session shows and keeps: no ID number anywhere, nobody's phone
//! whole except to its owner, nothing of the narrative in the log, and the case text sealed at
//! rest.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{NANCHANG, Session, TestApp, logs, resident_id, spawn_legal_aid};

const SEQ: u32 = 873;
const APPLICANT: &str = "13870000001";
/// The applicant's second number, which they give as the case's contact.
const CONTACT: &str = "15870000009";
const OFFICER: &str = "13970000001";
const ADMIN: &str = "13970000002";
const EMPLOYER: &str = "隐私测试建筑劳务有限公司";
const DESCRIPTION: &str = "包工头以工程款未结为由拖欠我三个月工资，隐私测试叙述。";
const MESSAGE: &str = "隐私测试留言：请带上工友证言";
const REPLY: &str = "隐私测试回复：好的，周三下午到";
const NOTE: &str = "隐私测试备注：受理";
const INTERNAL: &str = "隐私测试内部：单位已有多起投诉";

/// Every response a session read, kept as text with the name of the one who read it.
struct Transcript<'a> {
    app: &'a TestApp,
    kept: Vec<(&'static str, String)>,
}

impl Transcript<'_> {
    async fn keep(&mut self, who: &'static str, response: reqwest::Response) -> Value {
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!((200..300).contains(&status), "{who}: {status} {text}");
        self.kept.push((who, text.clone()));
        serde_json::from_str(&text).unwrap()
    }

    async fn get(&mut self, (who, session): (&'static str, &Session), path: &str) -> Value {
        let response = self
            .app
            .get_as(&format!("/api/v1/{path}"), &session.access)
            .await;
        self.keep(who, response).await
    }

    async fn post(
        &mut self,
        (who, session): (&'static str, &Session),
        path: &str,
        body: Value,
    ) -> Value {
        let url = format!("/api/v1/legal-aid/{path}");
        let response = self.app.post(&url, &body, Some(&session.access)).await;
        self.keep(who, response).await
    }
}

#[tokio::test]
async fn a_session_shows_phones_only_to_their_owners_and_keeps_the_case_sealed() {
    let app = spawn_legal_aid().await;
    let admin = app.admin(ADMIN, "360100").await;
    let officer = app.officer(OFFICER, "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "隐私测试工会").await;
    let applicant = app.member_of(&admin, &union, APPLICANT, SEQ).await;
    let (a, o, m) = (
        ("applicant", &applicant),
        ("officer", &officer),
        ("admin", &admin),
    );
    let mut seen = Transcript {
        app: &app,
        kept: Vec::new(),
    };

    let body = json!({ "category": "wage_arrears", "employer_name": EMPLOYER, "claim_amount_fen": 2_400_000,
        "description": DESCRIPTION, "contact_phone": CONTACT, "consent": true });
    let case = seen.post(a, "requests", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let png = b"\x89PNG\r\n\x1a\n\0\0";
    seen.keep(
        "applicant",
        app.upload(Some(&applicant.access), &id, "欠条.png", png)
            .await,
    )
    .await;
    for handler in [o, m] {
        seen.get(handler, "legal-aid/requests").await;
        let detail = seen.get(handler, &format!("legal-aid/requests/{id}")).await;
        assert_eq!(
            detail["contact_phone"], "158****0009",
            "handlers see the contact masked"
        );
    }
    let (moves, thread) = (
        format!("requests/{id}/transitions"),
        format!("requests/{id}/messages"),
    );
    seen.post(o, &moves, json!({ "to": "accepted", "note": NOTE }))
        .await;
    seen.post(
        o,
        &moves,
        json!({ "to": "assigned", "assignee_id": officer.account_id }),
    )
    .await;
    seen.post(o, &thread, json!({ "body": MESSAGE })).await;
    seen.post(o, &thread, json!({ "body": INTERNAL, "internal": true }))
        .await;
    seen.get(a, &format!("legal-aid/{thread}")).await;
    seen.post(a, &thread, json!({ "body": REPLY })).await;
    seen.get(o, &format!("legal-aid/{thread}")).await;
    seen.post(
        o,
        &moves,
        json!({ "to": "resolved", "recovered_fen": 2_400_000 }),
    )
    .await;
    let own = seen.get(a, &format!("legal-aid/requests/{id}")).await;
    assert_eq!(
        own["contact_phone"], CONTACT,
        "the applicant sees the number they gave"
    );
    seen.get(a, "legal-aid/requests").await;
    seen.get(a, "legal-aid/unread").await;
    seen.get(m, "admin/stats/overview").await;
    for who in [a, o, m] {
        seen.get(who, "me").await;
    }

    let id_number = resident_id(SEQ);
    let phones = [
        ("applicant", APPLICANT),
        ("applicant", CONTACT),
        ("officer", OFFICER),
        ("admin", ADMIN),
    ];
    assert!(seen.kept.len() > 20);
    for (who, text) in &seen.kept {
        assert!(
            !text.contains(&id_number),
            "{who} was shown the ID number: {text}"
        );
        for (owner, phone) in phones {
            assert!(
                owner == *who || !text.contains(phone),
                "{who} was shown {owner}'s {phone}: {text}"
            );
        }
    }
    let log = logs();
    assert!(
        log.contains(&id),
        "the log records the requests of this session"
    );
    for secret in [
        id_number.as_str(),
        APPLICANT,
        CONTACT,
        OFFICER,
        ADMIN,
        EMPLOYER,
        DESCRIPTION,
        MESSAGE,
        REPLY,
        NOTE,
        INTERNAL,
    ] {
        assert!(!log.contains(secret), "the log holds {secret}");
    }

    let dump = app.dump_database();
    let details: Vec<String> = {
        use gangonghui_persistence::schema::audit_events::dsl::*;
        let mut conn = app.state.db.get().unwrap();
        audit_events
            .filter(action.like("legal_aid.%"))
            .select(detail)
            .load(&mut *conn)
            .unwrap()
    };
    assert!(dump.contains(&id) && details.len() >= 6, "{details:?}");
    let at_rest = format!("{dump}\n{details:?}");
    for plain in [
        EMPLOYER,
        DESCRIPTION,
        CONTACT,
        MESSAGE,
        REPLY,
        NOTE,
        INTERNAL,
        "欠条",
    ] {
        assert!(!at_rest.contains(plain), "{plain} is stored in clear");
    }
}

//! Filing a request: consent, which union it goes to, one open request per employer and
//! category, the review deadline and the overdue queue, and the SMS notices that follow.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use serde_json::{Value, json};

use crate::helpers::{JINGDEZHEN, NANCHANG, Session, TestApp, problem, request, spawn_legal_aid};

const UNKNOWN_ORG: &str = "00000000-0000-7000-8000-000000999999";

fn fields(body: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    found.sort();
    found
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.into(), code.into())
}

/// The end of the seventh Asia/Shanghai day after the day of `submitted`, worked out here.
fn seventh_day_end(submitted: &str) -> DateTime<Utc> {
    let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
    let day = DateTime::parse_from_rfc3339(submitted)
        .unwrap()
        .with_timezone(&shanghai)
        .date_naive();
    let end = (day + Duration::days(8))
        .and_time(NaiveTime::MIN)
        .and_local_timezone(shanghai)
        .unwrap();
    end.with_timezone(&Utc)
}

async fn list(app: &TestApp, who: &Session, query: &str) -> Vec<Value> {
    let page = app
        .json_as(who, &format!("/api/v1/legal-aid/requests{query}"))
        .await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_request_needs_consent_and_a_union_and_is_not_filed_twice() {
    let app = spawn_legal_aid().await;
    let admin = app.admin("13980000001", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "南昌纺织工会").await;
    let member = app.member_of(&admin, &union, "13880000001", 881).await;
    let worker = app.register("13880000002").await;

    let mut body = request(
        "wage_arrears",
        "南昌 某建筑（集团）公司",
        "1388000",
        Some(NANCHANG),
    );
    body["consent"] = json!(false);
    let refused = problem(app.file(&worker, &body).await, 422).await;
    assert_eq!(
        fields(&refused),
        [pair("consent", "consent"), pair("contact_phone", "phone")],
        "every bad field at once"
    );
    let mut body = request(
        "wage_arrears",
        "南昌 某建筑（集团）公司",
        "13880000002",
        None,
    );
    let unplaced = problem(app.file(&worker, &body).await, 422).await;
    assert_eq!(fields(&unplaced), [pair("org_id", "required")]);
    body["org_id"] = json!(UNKNOWN_ORG);
    assert_eq!(
        problem(app.file(&worker, &body).await, 404).await["code"],
        "org.not_found"
    );
    body["org_id"] = json!(NANCHANG);
    let first = app.file_case(&worker, &body).await;
    assert_eq!(
        (first["org_id"].as_str(), first["status"].as_str()),
        (Some(NANCHANG), Some("submitted"))
    );
    assert_eq!(first["consent"]["version"], "2026-12-legal-aid-v1");
    assert_eq!(first["consent"]["given_at"], first["submitted_at"]);
    let due: DateTime<Utc> = first["review_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due,
        seventh_day_end(first["submitted_at"].as_str().unwrap())
    );

    for same in ["  南昌  某建筑(集团)公司 ", "南昌 某建筑（集团）公司"] {
        let again = request("wage_arrears", same, "13880000002", Some(NANCHANG));
        assert_eq!(
            problem(app.file(&worker, &again).await, 409).await["code"],
            "case.duplicate",
            "{same}"
        );
    }
    let latin = request(
        "labor_contract",
        "ACME Building Ltd",
        "13880000002",
        Some(NANCHANG),
    );
    app.file_case(&worker, &latin).await;
    let lower = request(
        "labor_contract",
        " acme   building LTD",
        "13880000002",
        Some(NANCHANG),
    );
    assert_eq!(
        problem(app.file(&worker, &lower).await, 409).await["code"],
        "case.duplicate"
    );
    let other_category = request(
        "social_insurance",
        "南昌 某建筑（集团）公司",
        "13880000002",
        Some(NANCHANG),
    );
    app.file_case(&worker, &other_category).await;
    let other_worker = request(
        "wage_arrears",
        "南昌 某建筑（集团）公司",
        "13880000001",
        Some(JINGDEZHEN),
    );
    let members = app.file_case(&member, &other_worker).await;
    assert_eq!(
        members["org_id"],
        union.as_str(),
        "a member's request goes to their own union"
    );
    let id = first["id"].as_str().unwrap();
    app.moved(&worker, id, &json!({ "to": "withdrawn" })).await;
    app.file_case(&worker, &body).await;

    let items = list(&app, &worker, "").await;
    assert_eq!(
        items.len(),
        4,
        "the withdrawn request, its successor and the other two"
    );
    for item in &items {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        for private in ["description", "contact_phone", "history", "reason"] {
            assert!(
                !keys.contains(&&private.to_owned()),
                "a list item carries {private}: {item}"
            );
        }
    }
}

#[tokio::test]
async fn a_request_not_reviewed_within_seven_shanghai_days_is_overdue() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13980000003", "360100").await;
    let worker = app.register("13880000003").await;
    let waiting = app
        .file_case(
            &worker,
            &request("dismissal", "逾期测试甲公司", "13880000003", Some(NANCHANG)),
        )
        .await;
    let taken = app
        .file_case(
            &worker,
            &request("dismissal", "逾期测试乙公司", "13880000003", Some(NANCHANG)),
        )
        .await;
    app.moved(
        &officer,
        taken["id"].as_str().unwrap(),
        &json!({ "to": "accepted" }),
    )
    .await;

    // A minute before the deadline it is in time; a minute after, overdue.
    let due: DateTime<Utc> = waiting["review_due_at"].as_str().unwrap().parse().unwrap();
    app.state
        .clock
        .advance(due - app.state.clock.now() - Duration::minutes(1));
    let in_time = list(&app, &officer, "?overdue=true").await;
    assert_eq!(in_time, Vec::<Value>::new());
    app.state.clock.advance(Duration::minutes(2));
    for who in [&officer, &worker] {
        let overdue = list(&app, who, "?overdue=true").await;
        let ids: Vec<&Value> = overdue.iter().map(|c| &c["id"]).collect();
        assert_eq!(ids, [&waiting["id"]]);
        assert_eq!(overdue[0]["overdue"], true);
    }
    let all = list(&app, &officer, "").await;
    let flags: Vec<(&Value, &Value)> = all.iter().map(|c| (&c["id"], &c["overdue"])).collect();
    assert_eq!(
        flags,
        [
            (&waiting["id"], &json!(true)),
            (&taken["id"], &json!(false))
        ]
    );
    let filtered = list(&app, &officer, "?status=accepted&category=dismissal").await;
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0]["id"], taken["id"]);
}

#[tokio::test]
async fn notices_say_that_a_case_moved_and_nothing_about_it() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13980000004", "360100").await;
    let worker = app.register("13880000004").await;
    let employer = "短信测试某科技有限公司";
    let filed = app
        .file_case(
            &worker,
            &request("wage_arrears", employer, "13880000004", Some(NANCHANG)),
        )
        .await;
    let id = filed["id"].as_str().unwrap();
    let other = app
        .file_case(
            &worker,
            &request("other", "短信测试乙公司", "13880000004", Some(NANCHANG)),
        )
        .await;
    app.moved(
        &worker,
        other["id"].as_str().unwrap(),
        &json!({ "to": "withdrawn" }),
    )
    .await;

    let moves = [
        json!({ "to": "accepted", "note": "短信测试受理备注" }),
        json!({ "to": "assigned", "assignee_id": officer.account_id }),
        json!({ "to": "mediation", "court_case_no": "（2026）赣0102民诉前调77号" }),
        json!({ "to": "resolved", "recovered_fen": 1_860_000 }),
    ];
    for body in &moves {
        app.moved(&officer, id, body).await;
    }
    // accepted, assigned and resolved are told; mediation and the withdrawal are not.
    app.notices(3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let notices = app.notices(0).await;
    assert_eq!(notices.len(), 3, "{notices:?}");
    let description = filed["description"].as_str().unwrap();
    for notice in &notices {
        let mut keys: Vec<&str> = notice
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["message", "phone", "purpose", "sent_at"]);
        assert_eq!(notice["phone"], "13880000004");
        let text = notice["message"].as_str().unwrap();
        assert!(!text.is_empty());
        for detail in [
            employer,
            "短信测试",
            description,
            "18600",
            "1860000",
            id,
            "77号",
            "受理备注",
        ] {
            assert!(!text.contains(detail), "the notice tells {detail}: {text}");
        }
    }
}

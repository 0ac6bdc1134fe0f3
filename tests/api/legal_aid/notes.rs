//! The thread between applicant and handlers, and the handlers' internal notes, which reach the
//! applicant by no route: not the thread, the case, its history, the list or any count.

use serde_json::{Value, json};

use crate::helpers::{NANCHANG, Session, TestApp, problem, request, spawn_legal_aid};

const NOTE: &str = "内部：申请人曾在2025年就同一单位申请过，先核实社保记录";
const LATE_NOTE: &str = "内部：结案后补记，单位法人已变更";

async fn write(app: &TestApp, who: &Session, case: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/legal-aid/requests/{case}/messages"),
        body,
        Some(&who.access),
    )
    .await
}

/// Everything the applicant's app can read about their requests, as one text.
async fn applicant_view(app: &TestApp, applicant: &Session, case: &str) -> (String, i64, i64) {
    let detail = app.case_as(applicant, case).await;
    let list = app.json_as(applicant, "/api/v1/legal-aid/requests").await;
    let badge = app.json_as(applicant, "/api/v1/legal-aid/unread").await;
    let thread = app
        .json_as(
            applicant,
            &format!("/api/v1/legal-aid/requests/{case}/messages"),
        )
        .await;
    let unread = (
        detail["unread_messages"].as_i64().unwrap(),
        badge["unread_messages"].as_i64().unwrap(),
    );
    (format!("{detail}{list}{thread}{badge}"), unread.0, unread.1)
}

#[tokio::test]
async fn internal_notes_never_reach_the_applicant() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13950000001", "360100").await;
    let admin = app.admin("13950000002", "360000").await;
    let applicant = app.register("13850000001").await;
    let body = request(
        "social_insurance",
        "某保安服务公司",
        "13850000001",
        Some(NANCHANG),
    );
    let case = app.file_case(&applicant, &body).await;
    let case = case["id"].as_str().unwrap();

    let own_note = write(
        &app,
        &applicant,
        case,
        &json!({ "body": "我也想写内部备注", "internal": true }),
    )
    .await;
    assert_eq!(problem(own_note, 403).await["code"], "auth.forbidden");
    assert_eq!(
        write(
            &app,
            &officer,
            case,
            &json!({ "body": NOTE, "internal": true })
        )
        .await
        .status()
        .as_u16(),
        201
    );
    let reply = json!({ "body": "请补充工资条和考勤记录。" });
    assert_eq!(
        write(&app, &officer, case, &reply).await.status().as_u16(),
        201
    );
    let second = json!({ "body": "内部：同意，下周约谈单位", "internal": true });
    assert_eq!(
        write(&app, &admin, case, &second).await.status().as_u16(),
        201
    );

    // Before reading: one message waits for the applicant, and only one.
    let detail = app.case_as(&applicant, case).await;
    let badge = app.json_as(&applicant, "/api/v1/legal-aid/unread").await;
    assert_eq!(
        (
            detail["unread_messages"].as_i64(),
            badge["unread_messages"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let thread = app
        .json_as(
            &applicant,
            &format!("/api/v1/legal-aid/requests/{case}/messages"),
        )
        .await;
    let bodies: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["请补充工资条和考勤记录。"]);
    assert_eq!(thread["items"][0]["internal"], false);

    let (seen, unread, badge) = applicant_view(&app, &applicant, case).await;
    assert!(
        !seen.contains("内部") && !seen.contains("\"internal\":true"),
        "{seen}"
    );
    assert_eq!((unread, badge), (0, 0), "reading the thread marks it read");

    // Handlers see both notes, marked as internal, among the messages.
    let handlers = app
        .json_as(
            &officer,
            &format!("/api/v1/legal-aid/requests/{case}/messages"),
        )
        .await;
    let internal: Vec<bool> = handlers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["internal"].as_bool().unwrap())
        .collect();
    assert_eq!(internal, [true, false, true]);
    assert_eq!(handlers["items"][0]["body"], NOTE);

    // A finished case takes only internal notes; the applicant still sees none of them.
    app.moved(
        &officer,
        case,
        &json!({ "to": "rejected", "reason": "超过仲裁时效" }),
    )
    .await;
    let public = write(&app, &officer, case, &json!({ "body": "还有问题吗？" })).await;
    assert_eq!(problem(public, 409).await["code"], "case.finished");
    let applicant_reply = write(&app, &applicant, case, &json!({ "body": "我不同意" })).await;
    assert_eq!(problem(applicant_reply, 409).await["code"], "case.finished");
    let late = write(
        &app,
        &officer,
        case,
        &json!({ "body": LATE_NOTE, "internal": true }),
    )
    .await;
    assert_eq!(late.status().as_u16(), 201);
    let (seen, unread, badge) = applicant_view(&app, &applicant, case).await;
    assert!(
        !seen.contains("内部") && !seen.contains(LATE_NOTE),
        "{seen}"
    );
    assert_eq!(
        (unread, badge),
        (0, 0),
        "an internal note is never unread for the applicant"
    );
    assert!(
        seen.contains("超过仲裁时效"),
        "the applicant does see why: {seen}"
    );
    let officer_view = app.case_as(&admin, case).await;
    assert_eq!(
        officer_view["unread_messages"], 3,
        "the admin has not read the officer's two notes and reply"
    );
}

#[tokio::test]
async fn reading_one_page_of_the_thread_marks_only_that_page_read() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13950000003", "360100").await;
    let applicant = app.register("13850000002").await;
    let body = request(
        "wage_arrears",
        "分页测试公司",
        "13850000002",
        Some(NANCHANG),
    );
    let case = app.file_case(&applicant, &body).await;
    let case = case["id"].as_str().unwrap();
    for (text, internal) in [
        ("第一条", false),
        (NOTE, true),
        ("第二条", false),
        ("第三条", false),
    ] {
        let body = json!({ "body": text, "internal": internal });
        assert_eq!(
            write(&app, &officer, case, &body).await.status().as_u16(),
            201
        );
    }
    let thread = format!("/api/v1/legal-aid/requests/{case}/messages");
    let bodies = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let unread = async || {
        app.json_as(&applicant, "/api/v1/legal-aid/unread").await["unread_messages"].clone()
    };

    assert_eq!(unread().await, 3);
    let first = app.json_as(&applicant, &format!("{thread}?limit=2")).await;
    assert_eq!(
        bodies(&first),
        ["第一条", "第二条"],
        "internal notes are not even a gap in a page"
    );
    assert_eq!(unread().await, 1, "only what was shown is read");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .json_as(&applicant, &format!("{thread}?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(
        (bodies(&second), &second["next_cursor"]),
        (vec!["第三条".to_owned()], &Value::Null)
    );
    assert_eq!(unread().await, 0);
    let handlers = app.json_as(&officer, &format!("{thread}?limit=2")).await;
    assert_eq!(bodies(&handlers), ["第一条", NOTE]);
}

//! The case workflow over HTTP: the whole way to a resolution with who did what, reassignment,
//! withdrawal by the applicant, and rejection with a reason the applicant reads.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{
    Movers, NANCHANG, Session, TestApp, field_error, problem, request, spawn_legal_aid,
};

/// A Nanchang union with its admin and officer, and one of its members.
async fn nanchang(app: &TestApp) -> (Session, Session, Session) {
    let admin = app.admin("13910000001", "360100").await;
    let officer = app.officer("13910000002", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "江铃汽车工会").await;
    let applicant = app.member_of(&admin, &union, "13810000001", 101).await;
    (admin, officer, applicant)
}

#[tokio::test]
async fn a_case_goes_from_intake_to_resolution_and_its_history_says_who_did_what() {
    let app = spawn_legal_aid().await;
    let (admin, officer, applicant) = nanchang(&app).await;
    let colleague = app.officer("13910000003", "360000").await;
    let filed = app
        .file_case(
            &applicant,
            &request("wage_arrears", "南昌某建筑公司", "13810000001", None),
        )
        .await;
    let id = filed["id"].as_str().unwrap();
    assert_eq!(filed["status"], "submitted");
    assert_eq!(
        filed["history"],
        json!([{ "id": filed["history"][0]["id"], "to": "submitted", "actor_id": applicant.account_id,
                 "actor_role": "applicant", "at": filed["submitted_at"] }])
    );
    let court_no = "（2026）赣0102民诉前调1234号";
    let steps: [(&Session, Value, &str); 5] = [
        (
            &admin,
            json!({ "to": "accepted", "note": "材料齐全，予以受理" }),
            "union_admin",
        ),
        (
            &admin,
            json!({ "to": "assigned", "assignee_id": officer.account_id }),
            "union_admin",
        ),
        (
            &officer,
            json!({ "to": "assigned", "assignee_id": colleague.account_id, "expected_assignee_id": officer.account_id }),
            "legal_aid_officer",
        ),
        (
            &colleague,
            json!({ "to": "mediation", "court_case_no": court_no }),
            "legal_aid_officer",
        ),
        (
            &colleague,
            json!({ "to": "resolved", "recovered_fen": 1_500_000, "note": "调解成功" }),
            "legal_aid_officer",
        ),
    ];
    let mut case = filed.clone();
    for (who, body, role) in steps {
        let from = case["status"].clone();
        case = app.moved(who, id, &body).await;
        let event = case["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(case["status"], body["to"]);
        assert_eq!(
            (&event["from"], &event["to"]),
            (&from, &body["to"]),
            "{body}"
        );
        assert_eq!(
            (event["actor_id"].as_str(), event["actor_role"].as_str()),
            (Some(who.account_id.as_str()), Some(role))
        );
        assert_eq!(event["assignee_id"], body["assignee_id"], "{body}");
        assert_eq!(event["note"], body["note"], "{body}");
    }

    let history = case["history"].as_array().unwrap();
    assert_eq!(history.len(), 6);
    assert_eq!(
        (
            case["recovered_fen"].as_i64(),
            case["court_case_no"].as_str()
        ),
        (Some(1_500_000), Some(court_no))
    );
    assert_eq!(case["assignee_id"], colleague.account_id.as_str());
    assert_eq!(
        case["decided_at"], history[1]["at"],
        "decided when first accepted"
    );
    assert_eq!(case["finished_at"], history[5]["at"]);
    let seen = app.case_as(&applicant, id).await;
    assert_eq!(
        seen["history"], case["history"],
        "the applicant sees every move and its note"
    );
    let audited: i64 = {
        use gangonghui_persistence::schema::audit_events::dsl::*;
        let mut conn = app.state.db.get().unwrap();
        audit_events
            .filter(action.eq("legal_aid.transition"))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(audited, 5, "every move is audited");
}

#[tokio::test]
async fn a_reassignment_names_the_current_assignee_or_loses() {
    let app = spawn_legal_aid().await;
    let (admin, officer, applicant) = nanchang(&app).await;
    let other = app.officer("13910000004", "360100").await;
    let movers = Movers {
        applicant: &applicant,
        handler: &admin,
        assignee: &officer.account_id,
    };
    let case = app
        .file_case(
            &applicant,
            &request("dismissal", "某物流公司", "13810000001", None),
        )
        .await;
    let id = case["id"].as_str().unwrap();
    app.drive(&movers, id, "assigned", 0).await;
    let stale = json!({ "to": "assigned", "assignee_id": other.account_id, "expected_assignee_id": other.account_id });
    assert_eq!(
        problem(app.transition(&admin, id, &stale).await, 409).await["code"],
        "case.assignee_changed"
    );
    let unnamed = json!({ "to": "assigned", "assignee_id": other.account_id });
    assert_eq!(
        field_error(app.transition(&admin, id, &unnamed).await).await,
        ("expected_assignee_id".into(), "required".into())
    );
    assert_eq!(
        app.case_as(&admin, id).await["assignee_id"],
        officer.account_id.as_str()
    );
    let current = json!({ "to": "assigned", "assignee_id": other.account_id, "expected_assignee_id": officer.account_id });
    assert_eq!(
        app.moved(&admin, id, &current).await["assignee_id"],
        other.account_id.as_str()
    );
}

#[tokio::test]
async fn the_applicant_withdraws_until_assignment_and_reads_why_a_request_was_rejected() {
    let app = spawn_legal_aid().await;
    let (_, officer, applicant) = nanchang(&app).await;
    let movers = Movers {
        applicant: &applicant,
        handler: &officer,
        assignee: &officer.account_id,
    };
    for (n, state) in ["submitted", "accepted", "assigned"]
        .into_iter()
        .enumerate()
    {
        let case = app
            .file_case(
                &applicant,
                &request("other", &format!("撤回测试{n}号公司"), "13810000001", None),
            )
            .await;
        let id = case["id"].as_str().unwrap();
        app.drive(&movers, id, state, 0).await;
        let withdrawn = app
            .moved(
                &applicant,
                id,
                &json!({ "to": "withdrawn", "note": "已与单位和解" }),
            )
            .await;
        let event = withdrawn["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(
            (withdrawn["status"].as_str(), event["from"].as_str()),
            (Some("withdrawn"), Some(state))
        );
        assert_eq!(
            (event["actor_role"].as_str(), event["note"].as_str()),
            (Some("applicant"), Some("已与单位和解"))
        );
        assert_eq!(withdrawn["finished_at"], event["at"]);
    }

    let case = app
        .file_case(
            &applicant,
            &request("wage_arrears", "某餐饮公司", "13810000001", None),
        )
        .await;
    let id = case["id"].as_str().unwrap();
    let bare = json!({ "to": "rejected" });
    assert_eq!(
        field_error(app.transition(&officer, id, &bare).await).await,
        ("reason".into(), "required".into())
    );
    let blank = json!({ "to": "rejected", "reason": "   " });
    assert_eq!(
        field_error(app.transition(&officer, id, &blank).await).await,
        ("reason".into(), "required".into())
    );
    let stray = json!({ "to": "rejected", "reason": "不属于受理范围", "recovered_fen": 0 });
    assert_eq!(
        field_error(app.transition(&officer, id, &stray).await).await,
        ("recovered_fen".into(), "not_for_this_move".into())
    );
    app.moved(
        &officer,
        id,
        &json!({ "to": "rejected", "reason": "不属于受理范围" }),
    )
    .await;
    let seen = app.case_as(&applicant, id).await;
    assert_eq!(
        (seen["status"].as_str(), seen["reason"].as_str()),
        (Some("rejected"), Some("不属于受理范围"))
    );
    assert!(
        seen["decided_at"].is_string() && seen["decided_at"] == seen["finished_at"],
        "{seen}"
    );
}

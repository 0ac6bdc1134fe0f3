//! The moves the workflow forbids, from a table: each refused with 409 and the case left as it
//! was; and who may be named to handle a case.

use serde_json::json;

use crate::helpers::{
    Movers, NANCHANG, STATES, Session, TestApp, field_error, move_body, problem, request,
    spawn_legal_aid,
};

/// Applicant (A) and handler (H) moves the workflow allows; every other (mover, from, to) is 409.
const ALLOWED: &[(char, &str, &str)] = &[
    ('H', "submitted", "accepted"),
    ('H', "submitted", "rejected"),
    ('H', "accepted", "assigned"),
    ('H', "assigned", "assigned"),
    ('H', "assigned", "mediation"),
    ('H', "assigned", "resolved"),
    ('H', "assigned", "closed"),
    ('H', "mediation", "resolved"),
    ('H', "mediation", "closed"),
    ('A', "submitted", "withdrawn"),
    ('A', "accepted", "withdrawn"),
    ('A', "assigned", "withdrawn"),
];

/// A Nanchang union with its admin and officer, and one of its members.
async fn nanchang(app: &TestApp) -> (Session, Session, Session) {
    let admin = app.admin("13910000001", "360100").await;
    let officer = app.officer("13910000002", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "江铃汽车工会").await;
    let applicant = app.member_of(&admin, &union, "13810000001", 101).await;
    (admin, officer, applicant)
}

#[tokio::test]
async fn only_an_officer_in_scope_other_than_the_applicant_can_be_assigned() {
    let app = spawn_legal_aid().await;
    let (admin, officer, applicant) = nanchang(&app).await;
    let elsewhere = app.officer("13910000005", "360200").await;
    let movers = Movers {
        applicant: &applicant,
        handler: &admin,
        assignee: &officer.account_id,
    };
    let case = app
        .file_case(
            &applicant,
            &request("work_injury", "某机械厂", "13810000001", None),
        )
        .await;
    let id = case["id"].as_str().unwrap();
    app.drive(&movers, id, "accepted", 0).await;
    // The applicant becomes an officer of their own city: still only the applicant here.
    let applicant = app.officer("13810000001", "360100").await;
    for assignee in [&admin, &elsewhere, &applicant] {
        let body = json!({ "to": "assigned", "assignee_id": assignee.account_id });
        assert_eq!(
            field_error(app.transition(&admin, id, &body).await).await,
            ("assignee_id".into(), "assignee".into())
        );
    }
    let own = app
        .transition(
            &applicant,
            id,
            &move_body("assigned", &officer.account_id, 0),
        )
        .await;
    assert_eq!(
        problem(own, 409).await["code"],
        "case.invalid_transition",
        "nobody handles their own case"
    );
    assert_eq!(app.case_as(&admin, id).await["status"], "accepted");
}

#[tokio::test]
async fn every_move_the_table_forbids_is_refused_and_changes_nothing() {
    let app = spawn_legal_aid().await;
    let (_, officer, applicant) = nanchang(&app).await;
    let movers = Movers {
        applicant: &applicant,
        handler: &officer,
        assignee: &officer.account_id,
    };
    let mut attempts = 0;
    for (n, from) in STATES.into_iter().enumerate() {
        let employer = format!("状态表{n}号公司");
        let case = app
            .file_case(
                &applicant,
                &request("wage_arrears", &employer, "13810000001", None),
            )
            .await;
        let id = case["id"].as_str().unwrap();
        app.drive(&movers, id, from, 1000).await;
        let before = app.case_as(&officer, id).await;
        for to in STATES {
            for (mover, who) in [('A', &applicant), ('H', &officer)] {
                if ALLOWED.contains(&(mover, from, to)) {
                    continue;
                }
                let response = app
                    .transition(who, id, &move_body(to, &officer.account_id, 1000))
                    .await;
                let code = problem(response, 409).await["code"].clone();
                assert_eq!(code, "case.invalid_transition", "{mover}: {from} -> {to}");
                attempts += 1;
            }
        }
        assert_eq!(
            app.case_as(&officer, id).await,
            before,
            "a refused move changes nothing ({from})"
        );
    }
    assert_eq!(attempts, 2 * 8 * 8 - ALLOWED.len());
}

//! Races, run by racing real requests: two officers deciding one request, one request sent
//! twice at once, two files for a case's last slot. One wins; the other is told why.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{NANCHANG, TestApp, problem, request, spawn_legal_aid};

const ROUNDS: usize = 20;

#[tokio::test]
async fn two_officers_deciding_one_request_at_once_make_exactly_one_decision() {
    let app = spawn_legal_aid().await;
    let city = app.officer("13930000002", "360100").await;
    let province = app.officer("13930000003", "360000").await;
    let applicant = app.register("13830000001").await;
    for round in 0..ROUNDS {
        let employer = format!("并发测试{round}号公司");
        let body = request("wage_arrears", &employer, "13830000001", Some(NANCHANG));
        let case = app.file_case(&applicant, &body).await;
        let id = case["id"].as_str().unwrap();
        // Every other round the second officer refuses instead: different moves from one state.
        let second = match round % 2 {
            0 => json!({ "to": "accepted" }),
            _ => json!({ "to": "rejected", "reason": "不属于受理范围" }),
        };
        let first = json!({ "to": "accepted" });
        let (a, b) = tokio::join!(
            app.transition(&city, id, &first),
            app.transition(&province, id, &second)
        );
        let (sa, sb) = (a.status().as_u16(), b.status().as_u16());
        let mut statuses = [sa, sb];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
        let (winner, loser, won) = if sa == 200 {
            (a, b, "accepted")
        } else {
            (b, a, second["to"].as_str().unwrap())
        };
        assert_eq!(
            problem(loser, 409).await["code"],
            "case.invalid_transition",
            "round {round}"
        );
        let winner: Value = winner.json().await.unwrap();
        assert_eq!(winner["status"], won);
        let seen = app.case_as(&city, id).await;
        let decisions: Vec<&Value> = seen["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["from"] == "submitted")
            .collect();
        assert_eq!(decisions.len(), 1, "round {round}: {seen}");
        assert_eq!(
            (seen["status"].as_str(), decisions[0]["to"].as_str()),
            (Some(won), Some(won))
        );
    }
    assert_eq!(
        transitions_audited(&app),
        ROUNDS as i64,
        "one audit record per decision"
    );
}

fn transitions_audited(app: &TestApp) -> i64 {
    use gangonghui_persistence::schema::audit_events::dsl::*;
    let mut conn = app.state.db.get().unwrap();
    audit_events
        .filter(action.eq("legal_aid.transition"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

#[tokio::test]
async fn a_request_sent_twice_at_once_is_filed_once() {
    let app = spawn_legal_aid().await;
    let worker = app.register("13830000004").await;
    for round in 0..10 {
        let body = request(
            "wage_arrears",
            &format!("重复提交{round}号公司"),
            "13830000004",
            Some(NANCHANG),
        );
        let (a, b) = tokio::join!(app.file(&worker, &body), app.file(&worker, &body));
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "round {round}");
        let loser = if a.status().as_u16() == 409 { a } else { b };
        assert_eq!(problem(loser, 409).await["code"], "case.duplicate");
    }
    let filed = app
        .json_as(&worker, "/api/v1/legal-aid/requests?limit=100")
        .await;
    assert_eq!(filed["items"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn two_files_for_the_last_slot_leave_one_file_on_disk() {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let app = spawn_legal_aid().await;
    let worker = app.register("13830000005").await;
    let body = request("work_injury", "最后一格公司", "13830000005", Some(NANCHANG));
    let case = app.file_case(&worker, &body).await;
    let id = case["id"].as_str().unwrap();
    let token = Some(worker.access.as_str());
    for n in 0..19 {
        let response = app.upload(token, id, &format!("{n}.png"), PNG).await;
        assert_eq!(response.status().as_u16(), 201);
    }
    let (a, b) = tokio::join!(
        app.upload(token, id, "甲.png", PNG),
        app.upload(token, id, "乙.png", PNG)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let loser = if a.status().as_u16() == 409 { a } else { b };
    assert_eq!(
        problem(loser, 409).await["code"],
        "attachment.limit_reached"
    );
    let listed = app.case_as(&worker, id).await["attachments"]
        .as_array()
        .unwrap()
        .len();
    let on_disk = std::fs::read_dir(&app.state.settings.attachments_dir)
        .unwrap()
        .count();
    assert_eq!(
        (listed, on_disk),
        (20, 20),
        "the loser's file does not stay behind"
    );
}

//! The limits of what a request and a move may hold, at and just past each limit: amounts in fen,
//! and texts counted in characters (a Chinese narrative is three bytes a character).

use serde_json::{Value, json};

use crate::helpers::{NANCHANG, field_error, request, spawn_legal_aid};

const MAX_FEN: i64 = 10_000_000_000;

#[tokio::test]
async fn amounts_and_texts_are_taken_up_to_their_limits_and_refused_past_them() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13990000001", "360100").await;
    let worker = app.register("13890000001").await;
    let with = |n: usize, field: &str, value: Value| {
        let mut body = request(
            "other",
            &format!("边界{n}号公司"),
            "13890000001",
            Some(NANCHANG),
        );
        body[field] = value;
        body
    };
    let refused = [
        (
            with(1, "claim_amount_fen", json!(0)),
            "claim_amount_fen",
            "below_minimum",
        ),
        (
            with(2, "claim_amount_fen", json!(MAX_FEN + 1)),
            "claim_amount_fen",
            "above_maximum",
        ),
        (
            with(3, "description", json!("欠".repeat(5001))),
            "description",
            "too_long",
        ),
        (
            with(4, "employer_name", json!("厂".repeat(101))),
            "employer_name",
            "too_long",
        ),
    ];
    for (body, field, code) in refused {
        let answer = field_error(app.file(&worker, &body).await).await;
        assert_eq!(answer, (field.to_owned(), code.to_owned()));
    }
    let taken = [
        with(5, "claim_amount_fen", json!(MAX_FEN)),
        with(6, "description", json!("欠".repeat(5000))),
        with(7, "employer_name", json!("厂".repeat(100))),
    ];
    let mut cases = Vec::new();
    for body in taken {
        cases.push(
            app.file_case(&worker, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let case = app
        .file_case(&worker, &with(8, "claim_amount_fen", json!(1)))
        .await;
    assert_eq!(case["claim_amount_fen"], 1);
    let id = case["id"].as_str().unwrap();
    app.moved(&officer, id, &json!({ "to": "accepted" })).await;
    let assign = json!({ "to": "assigned", "assignee_id": officer.account_id });
    app.moved(&officer, id, &assign).await;
    for (recovered, code) in [
        (json!(-1), "below_minimum"),
        (json!(MAX_FEN + 1), "above_maximum"),
    ] {
        let body = json!({ "to": "resolved", "recovered_fen": recovered });
        let answer = field_error(app.transition(&officer, id, &body).await).await;
        assert_eq!(answer, ("recovered_fen".to_owned(), code.to_owned()));
    }
    let long_note = json!({ "to": "resolved", "recovered_fen": 0, "note": "注".repeat(2001) });
    let answer = field_error(app.transition(&officer, id, &long_note).await).await;
    assert_eq!(answer, ("note".to_owned(), "too_long".to_owned()));
    let done = json!({ "to": "resolved", "recovered_fen": MAX_FEN, "note": "注".repeat(2000) });
    assert_eq!(
        app.moved(&officer, id, &done).await["recovered_fen"],
        MAX_FEN
    );
    assert_eq!(
        app.case_as(&officer, &cases[1]).await["description"],
        "欠".repeat(5000)
    );
}

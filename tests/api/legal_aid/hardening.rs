//! What an attack on a running server found, each pinned by a test: a reassignment that changes
//! nothing, evidence names that open as something else, a file gone between its row and its
//! bytes, bodies that are not forms or are cut short, and employer names made "different" by
//! invisible or full-width characters.

use serde_json::{Value, json};

use crate::helpers::{NANCHANG, Session, TestApp, field_error, problem, request, spawn_legal_aid};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

async fn case_of(app: &TestApp, phone: &str, employer: &str) -> (Session, String) {
    let applicant = app.register(phone).await;
    let body = request("wage_arrears", employer, phone, Some(NANCHANG));
    let case = app.file_case(&applicant, &body).await;
    (applicant, case["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_reassignment_must_name_someone_else_and_a_burst_of_them_moves_the_case_once() {
    let app = spawn_legal_aid().await;
    let (a, b) = (
        app.officer("13950000001", "360100").await,
        app.officer("13950000002", "360100").await,
    );
    let (_, id) = case_of(&app, "13850000001", "重新指派测试公司").await;
    app.moved(&a, &id, &json!({ "to": "accepted" })).await;
    let assign = json!({ "to": "assigned", "assignee_id": a.account_id });
    app.moved(&a, &id, &assign).await;
    let same = json!({ "to": "assigned", "assignee_id": a.account_id, "expected_assignee_id": a.account_id });
    let refused = app.transition(&a, &id, &same).await;
    assert_eq!(
        problem(refused, 409).await["code"],
        "case.invalid_transition"
    );
    let to_b = json!({ "to": "assigned", "assignee_id": b.account_id, "expected_assignee_id": a.account_id });
    let burst = (0..8).map(|_| app.transition(&a, &id, &to_b));
    let statuses: Vec<u16> = futures_util::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409].contains(s)),
        "{statuses:?}"
    );
    let seen = app.case_as(&a, &id).await;
    let reassigned = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["from"] == "assigned" && e["to"] == "assigned")
        .count();
    assert_eq!(reassigned, 1, "{seen}");
    assert_eq!(seen["assignee_id"], json!(b.account_id));
}

#[tokio::test]
async fn evidence_names_end_in_what_the_bytes_are_and_a_vanished_file_is_not_found() {
    let app = spawn_legal_aid().await;
    let (applicant, id) = case_of(&app, "13850000002", "证据命名测试公司").await;
    let token = Some(applicant.access.as_str());
    let saved: Value = app
        .upload(token, &id, "payslip.pdf.hta", PDF)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        saved["file_name"], "payslip.pdf.hta.pdf",
        "a PDF never downloads as a script"
    );
    let kept: Value = app
        .upload(token, &id, "工资条.PDF", PDF)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["file_name"], "工资条.PDF");
    // Deleted between finding its row and reading its bytes (a download racing a delete).
    let file = saved["id"].as_str().unwrap();
    let on_disk = app
        .state
        .settings
        .attachments_dir
        .join(format!("{file}.bin"));
    std::fs::remove_file(on_disk).unwrap();
    let path = format!("/api/v1/legal-aid/requests/{id}/attachments/{file}");
    let gone = app.get_as(&path, &applicant.access).await;
    assert_eq!(problem(gone, 404).await["code"], "attachment.not_found");
}

#[tokio::test]
async fn uploads_that_are_not_well_formed_forms_are_told_so() {
    let app = spawn_legal_aid().await;
    let (applicant, id) = case_of(&app, "13850000003", "表单测试公司").await;
    let url = app.url(&format!("/api/v1/legal-aid/requests/{id}/attachments"));
    let send = |content_type: &'static str, body: &'static [u8]| {
        app.client
            .post(url.clone())
            .bearer_auth(&applicant.access)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let json = send("application/json", b"{\"file\":\"x\"}").await.unwrap();
    assert_eq!(problem(json, 415).await["code"], "attachment.form_required");
    let broken = send(
        "multipart/form-data; boundary=abc",
        b"--abc\r\nno headers here",
    )
    .await;
    assert_eq!(
        problem(broken.unwrap(), 400).await["code"],
        "attachment.malformed_form"
    );
    let seen = app.case_as(&applicant, &id).await;
    assert_eq!(seen["attachments"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn invisible_and_full_width_characters_do_not_make_another_employer() {
    let app = spawn_legal_aid().await;
    let (applicant, _) = case_of(&app, "13850000004", "Dup Race Co").await;
    // A bidi override is refused outright by the text rule, before any comparison.
    let body = request(
        "wage_arrears",
        "Dup Race Co\u{202E}",
        "13850000004",
        Some(NANCHANG),
    );
    let refused = problem(app.file(&applicant, &body).await, 422).await;
    assert!(
        refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "employer_name" && e["code"] == "control_character"),
        "{refused}"
    );
    for sneaky in ["Dup\u{200B}Race Co", "Ｄｕｐ Ｒａｃｅ Ｃｏ", "Dup Race Co."] {
        let body = request("wage_arrears", sneaky, "13850000004", Some(NANCHANG));
        let again = app.file(&applicant, &body).await;
        assert_eq!(
            problem(again, 409).await["code"],
            "case.duplicate",
            "{sneaky:?}"
        );
    }
}

/// A body that ends inside the file part (a dropped upload, or a hostile one) is answered at
/// once: actix-multipart 0.7 waited forever for bytes that could not come, keeping the
/// connection, the request and its buffered body even after the client had gone. An empty form
/// is told what it lacks.
#[tokio::test]
async fn forms_cut_short_or_empty_are_answered_at_once() {
    let app = spawn_legal_aid().await;
    let (applicant, id) = case_of(&app, "13850000005", "截断表单测试公司").await;
    let url = app.url(&format!("/api/v1/legal-aid/requests/{id}/attachments"));
    let head = "--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.7";
    for tail in ["\r", "\r\n", "\r\n-", "\r\n--ab", "\r--ab"] {
        let sent = app
            .client
            .post(url.clone())
            .bearer_auth(&applicant.access)
            .header("content-type", "multipart/form-data; boundary=abc")
            .body(format!("{head}{tail}"))
            .send();
        let answer = tokio::time::timeout(std::time::Duration::from_secs(5), sent)
            .await
            .unwrap_or_else(|_| panic!("no answer in 5 s to a form ending {tail:?}"));
        let refused = problem(answer.unwrap(), 400).await;
        assert_eq!(refused["code"], "attachment.malformed_form", "{tail:?}");
    }
    // A form with no parts at all lacks its file; it is not malformed (0.7 said it was).
    let empty = app
        .client
        .post(url.clone())
        .bearer_auth(&applicant.access)
        .header("content-type", "multipart/form-data; boundary=abc")
        .body("--abc--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(field_error(empty).await, ("file".into(), "required".into()));
    let seen = app.case_as(&applicant, &id).await;
    assert_eq!(seen["attachments"], json!([]), "nothing was stored");
}

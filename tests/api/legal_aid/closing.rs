//! A case being closed while files and messages arrive: the closing holds the case's row (a
//! transaction the test keeps open), and the upload, the delete and the message that come in
//! meanwhile must each be refused once it commits. Each is decided by one conditional statement
//! on the case's state, never by a read made before the closing committed (which PostgreSQL's
//! READ COMMITTED would have let through).

use std::time::Duration;

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{NANCHANG, problem, request, spawn_legal_aid};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

#[tokio::test]
async fn nothing_lands_on_a_case_that_closed_while_it_was_on_its_way() {
    let app = spawn_legal_aid().await;
    let officer = app.officer("13960000001", "360100").await;
    let applicant = app.register("13860000001").await;
    let body = request(
        "wage_arrears",
        "关闭竞态测试公司",
        "13860000001",
        Some(NANCHANG),
    );
    let id = app.file_case(&applicant, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.moved(&officer, &id, &json!({ "to": "accepted" })).await;
    let assign = json!({ "to": "assigned", "assignee_id": officer.account_id });
    app.moved(&officer, &id, &assign).await;
    let token = Some(applicant.access.as_str());
    let kept: Value = app
        .upload(token, &id, "工资条.pdf", PDF)
        .await
        .json()
        .await
        .unwrap();
    let file = kept["id"].as_str().unwrap();

    let mut closing = app.state.db.get().unwrap();
    let begin = match app.state.settings.database_url.starts_with("sqlite") {
        true => "BEGIN IMMEDIATE",
        false => "BEGIN",
    };
    let close = format!(
        "{begin}; UPDATE legal_aid_cases SET status = 'closed' WHERE id = '{id}'; \
         UPDATE legal_aid_cases SET attachment_count = attachment_count WHERE id = '{id}';"
    );
    closing.batch_execute(&close).unwrap();
    let path = format!("/api/v1/legal-aid/requests/{id}");
    let (messages, note) = (format!("{path}/messages"), json!({ "body": "还在吗" }));
    let (upload, delete, message, ()) = tokio::join!(
        app.upload(token, &id, "补充证据.pdf", PDF),
        app.client
            .delete(app.url(&format!("{path}/attachments/{file}")))
            .bearer_auth(&applicant.access)
            .send(),
        app.post(&messages, &note, token),
        async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            closing.batch_execute("COMMIT").unwrap();
        }
    );
    for (what, response) in [
        ("upload", upload),
        ("delete", delete.unwrap()),
        ("message", message),
    ] {
        let body = problem(response, 409).await;
        assert_eq!(body["code"], "case.finished", "{what}: {body}");
    }
    let seen = app.case_as(&applicant, &id).await;
    assert_eq!(seen["attachments"].as_array().unwrap().len(), 1, "{seen}");
    let thread = app.json_as(&applicant, &format!("{path}/messages")).await;
    assert_eq!(thread["items"], json!([]));
}

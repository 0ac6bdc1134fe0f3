//! Who may do what to a case, as one table: every legal-aid route against every kind of caller.
//! Whoever may not see a case is told it does not exist (404 `case.not_found`), whatever their
//! role; 403 only where the role may never call the route; 401 without a token.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, problem, request, shop, spawn_legal_aid};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

#[derive(Debug, Clone, Copy)]
enum Route {
    GetCase,
    List,
    Move,
    Thread,
    Write,
    Upload,
    Download,
    Delete,
    Stats,
}

/// Callers, in this order: the applicant, another member of the same union, an officer and an
/// admin whose scope holds the case and one each whose scope does not, a merchant's owner, and
/// nobody.
const CALLERS: [&str; 8] = [
    "applicant",
    "other member",
    "officer in scope",
    "officer out of scope",
    "admin in scope",
    "admin out of scope",
    "merchant staff",
    "anonymous",
];

const MATRIX: &[(Route, [u16; 8])] = &[
    (Route::GetCase, [200, 404, 200, 404, 200, 404, 404, 401]),
    (Route::List, [200, 200, 200, 200, 200, 200, 200, 401]),
    (Route::Move, [200, 404, 200, 404, 200, 404, 404, 401]),
    (Route::Thread, [200, 404, 200, 404, 200, 404, 404, 401]),
    (Route::Write, [201, 404, 201, 404, 201, 404, 404, 401]),
    (Route::Upload, [201, 404, 201, 404, 201, 404, 404, 401]),
    (Route::Download, [200, 404, 200, 404, 200, 404, 404, 401]),
    (Route::Delete, [204, 404, 204, 404, 204, 404, 404, 401]),
    (Route::Stats, [403, 403, 403, 403, 200, 200, 403, 401]),
];

/// Whether the case is among the items `GET /legal-aid/requests` gives each caller.
const LISTED: [bool; 7] = [true, false, true, false, true, false, false];

struct Scene {
    applicant: Session,
    case: String,
    file: String,
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request sent")
}

async fn upload_id(app: &TestApp, who: &Session, case: &str) -> String {
    let response = app.upload(Some(&who.access), case, "工资条.pdf", PDF).await;
    assert_eq!(response.status().as_u16(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One call of `route` by the caller in column `n`; what it answered, and the body.
async fn probe(
    app: &TestApp,
    s: &Scene,
    route: Route,
    n: usize,
    token: Option<&str>,
) -> (u16, Value) {
    let case = &s.case;
    let base = format!("/api/v1/legal-aid/requests/{case}");
    let (method, path, body) = match route {
        Route::GetCase => (Method::GET, base, None),
        Route::List => (Method::GET, "/api/v1/legal-aid/requests".into(), None),
        Route::Move => {
            // A case of its own per caller: a move that works changes it.
            let employer = format!("越权测试{n}号公司");
            let body = request("other", &employer, "13820000001", None);
            let fresh = app.file_case(&s.applicant, &body).await;
            let to = if n == 0 { "withdrawn" } else { "accepted" };
            let path = format!("{}/transitions", fresh["id"].as_str().unwrap());
            (
                Method::POST,
                format!("/api/v1/legal-aid/requests/{path}"),
                Some(json!({ "to": to })),
            )
        }
        Route::Thread => (Method::GET, format!("{base}/messages"), None),
        Route::Write => {
            let body = json!({ "body": format!("来自第{n}位的留言") });
            (Method::POST, format!("{base}/messages"), Some(body))
        }
        Route::Upload => (Method::POST, String::new(), None),
        Route::Download => (Method::GET, format!("{base}/attachments/{}", s.file), None),
        Route::Delete => {
            let file = upload_id(app, &s.applicant, case).await;
            (Method::DELETE, format!("{base}/attachments/{file}"), None)
        }
        Route::Stats => (Method::GET, "/api/v1/admin/stats/overview".into(), None),
    };
    let response = match route {
        Route::Upload => app.upload(token, case, "证据.pdf", PDF).await,
        _ => send(app, method, &path, token, body.as_ref()).await,
    };
    let status = response.status().as_u16();
    let body = match status {
        200 if matches!(route, Route::Download) => json!(response.bytes().await.unwrap().to_vec()),
        200 | 201 => response.json().await.unwrap(),
        204 => Value::Null,
        _ => problem(response, status).await,
    };
    (status, body)
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says() {
    let app = spawn_legal_aid().await;
    let (owner, union) = shop(&app).await;
    let admin_in = app.login("13900000501", "bola").await;
    let officer_in = app.officer("13920000001", "360100").await;
    let officer_out = app.officer("13920000002", "360200").await;
    let admin_out = app.admin("13920000003", "360200").await;
    let applicant = app.member_of(&admin_in, &union, "13820000001", 201).await;
    let other = app.member_of(&admin_in, &union, "13820000002", 202).await;
    let case = app
        .file_case(
            &applicant,
            &request("wage_arrears", "南昌某电子厂", "13820000001", None),
        )
        .await;
    let case = case["id"].as_str().unwrap().to_owned();
    let file = upload_id(&app, &applicant, &case).await;
    let scene = Scene {
        applicant: applicant.clone(),
        case: case.clone(),
        file,
    };
    let sessions = [
        &applicant,
        &other,
        &officer_in,
        &officer_out,
        &admin_in,
        &admin_out,
        &owner,
    ];

    for &(route, expected) in MATRIX {
        for (n, caller) in CALLERS.iter().enumerate() {
            let token = sessions.get(n).map(|s| s.access.as_str());
            let (status, body) = probe(&app, &scene, route, n, token).await;
            assert_eq!(status, expected[n], "{route:?} by {caller}: {body}");
            match status {
                404 => assert_eq!(body["code"], "case.not_found", "{route:?} by {caller}"),
                403 => assert_eq!(body["code"], "auth.forbidden", "{route:?} by {caller}"),
                _ => {}
            }
            if let (Route::List, Some(listed)) = (route, LISTED.get(n)) {
                let ids: Vec<&str> = body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|c| c["id"].as_str())
                    .collect();
                assert_eq!(
                    ids.contains(&case.as_str()),
                    *listed,
                    "{caller} lists {ids:?}"
                );
            }
            if let (Route::Download, 200) = (route, status) {
                assert_eq!(
                    body,
                    json!(PDF.to_vec()),
                    "{caller} downloads the file as uploaded"
                );
            }
        }
    }

    // What was refused left no trace: only the three allowed writers are in the thread, and the
    // refused moves left their cases as filed.
    let thread = app
        .json_as(
            &applicant,
            &format!("/api/v1/legal-aid/requests/{case}/messages"),
        )
        .await;
    let authors: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author_id"].as_str().unwrap())
        .collect();
    let writers = [&applicant, &officer_in, &admin_in].map(|s| s.account_id.as_str());
    assert_eq!(authors, writers);
    let listed = app
        .json_as(&applicant, "/api/v1/legal-aid/requests?category=other")
        .await;
    let statuses: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    let (_, moves) = MATRIX
        .iter()
        .find(|(r, _)| matches!(r, Route::Move))
        .unwrap();
    let moved = moves
        .iter()
        .enumerate()
        .map(|(n, &status)| match (status, n) {
            (200, 0) => "withdrawn",
            (200, _) => "accepted",
            _ => "submitted",
        });
    assert_eq!(
        statuses,
        moved.collect::<Vec<_>>(),
        "only the allowed moves moved"
    );
    let files = app.case_as(&applicant, &case).await["attachments"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        files,
        1 + 3 + (8 - 3),
        "the first file, three uploads, and the deletes refused"
    );

    // A file is reached only through its own case, never through another the caller may see.
    let body = request("other", "另一家公司", "13820000002", None);
    let own = app.file_case(&other, &body).await;
    let through = format!(
        "/api/v1/legal-aid/requests/{}/attachments/{}",
        own["id"].as_str().unwrap(),
        scene.file
    );
    for method in [Method::GET, Method::DELETE] {
        let response = send(&app, method, &through, Some(&other.access), None).await;
        assert_eq!(problem(response, 404).await["code"], "attachment.not_found");
    }
}

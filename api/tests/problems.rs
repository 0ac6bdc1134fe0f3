//! Every class of bad input answers with its own status as problem+json, lists every bad field,
//! and changes nothing; a good body reaches the handler and writes; a server fault answers only
//! `internal_error`. The route here exists only
//! in this test: it exercises the shared extractor, middleware and fallback exactly as features
//! use them.

// Test helpers fail loudly by design: an unwrap or an index that panics is a failed assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use actix_web::http::StatusCode;
use actix_web::web::Data;
use actix_web::{HttpResponse, get, post, test};
use gangonghui_api::audit::{AuditEvent, RequestContext};
use gangonghui_api::cache::Cache;
use gangonghui_api::http::{JSON_LIMIT, ValidJson};
use gangonghui_api::{ApiError, AppState, Settings, startup};
use gangonghui_persistence::testdb::TestDb;
use gangonghui_persistence::{DbPool, PoolOptions, migrate};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Channel {
    App,
    Counter,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateNoteBody {
    #[schema(min_length = 1, max_length = 20)]
    title: String,
    #[schema(minimum = 1)]
    amount_fen: i64,
    channel: Channel,
    note: Option<String>,
}

/// Records a note in the audit log: a real write that must not happen on bad input.
#[utoipa::path(request_body = CreateNoteBody, responses((status = 201)))]
#[post("/notes")]
async fn create_note(
    state: Data<AppState>,
    ctx: RequestContext,
    body: ValidJson<CreateNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    state
        .db(move |conn| {
            let detail = json!({ "amount_fen": body.amount_fen, "channel": format!("{:?}", body.channel), "has_note": body.note.is_some() });
            AuditEvent::new("note.create", "note", body.title).detail(detail).record(conn, &ctx)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Created().finish())
}

/// Fails inside the database, as a bug or an outage would.
#[utoipa::path(responses((status = 200)))]
#[get("/broken")]
async fn broken(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT secret_column FROM members_secret_table").execute(conn)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().finish())
}

struct Harness {
    _db: TestDb,
    state: AppState,
}

impl Harness {
    fn new() -> Harness {
        let db = TestDb::fresh(None).expect("sqlite");
        let pool = DbPool::connect(
            db.url(),
            &PoolOptions::default_for(gangonghui_persistence::Backend::Sqlite),
        )
        .expect("pool");
        migrate::run_pending(&mut pool.get().expect("conn")).expect("migrate");
        let key = "ab".repeat(32);
        let settings = Settings::from_lookup(|k| match k {
            "DATABASE_URL" => Some(db.url().to_owned()),
            "GGH_JWT_SECRET" | "GGH_DATA_KEY" => Some(key.clone()),
            _ => None,
        })
        .expect("settings");
        let state =
            AppState::new(settings, pool, Cache::Memory(Default::default())).expect("state");
        Harness { _db: db, state }
    }

    fn notes_written(&self) -> usize {
        use diesel::prelude::*;
        use gangonghui_persistence::schema::audit_events::dsl::*;
        let mut conn = self.state.db.get().expect("conn");
        audit_events
            .filter(action.eq("note.create"))
            .count()
            .get_result::<i64>(&mut conn)
            .expect("count") as usize
    }
}

/// Sends one request; returns status, content type, Allow header and JSON body.
async fn send(h: &Harness, req: test::TestRequest) -> (StatusCode, String, Option<String>, Value) {
    let app = test::init_service(startup::app(Data::new(h.state.clone()), |cfg| {
        cfg.service(create_note).service(broken);
    }))
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let allow = header("allow");
    let bytes = test::read_body(res).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, content_type, allow, body)
}

fn post_json(body: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/notes")
        .insert_header(("content-type", "application/json"))
        .set_payload(body.to_owned())
}

fn assert_problem(
    status: StatusCode,
    content_type: &str,
    body: &Value,
    expected: StatusCode,
    code: &str,
) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["status"], expected.as_u16());
    assert_eq!(body["code"], code);
    assert_eq!(body["type"], format!("urn:gangonghui:problem:{code}"));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
}

#[actix_web::test]
async fn a_valid_body_reaches_the_handler_and_writes() {
    let h = Harness::new();
    let (status, ..) = send(
        &h,
        post_json(r#"{"title":"午餐","amount_fen":1200,"channel":"counter"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(h.notes_written(), 1);
}

#[actix_web::test]
async fn each_bad_input_class_has_its_status_and_writes_nothing() {
    let h = Harness::new();
    let oversized = format!(
        r#"{{"title":"x","amount_fen":1,"channel":"app","note":"{}"}}"#,
        "长".repeat(JSON_LIMIT / 3 + 1)
    );
    let cases: Vec<(&str, test::TestRequest, StatusCode, &str)> = vec![
        (
            "not JSON",
            post_json("title=lunch"),
            StatusCode::BAD_REQUEST,
            "request.malformed",
        ),
        (
            "truncated JSON",
            post_json(r#"{"title":"x""#),
            StatusCode::BAD_REQUEST,
            "request.malformed",
        ),
        (
            "empty body",
            post_json(""),
            StatusCode::BAD_REQUEST,
            "request.malformed",
        ),
        (
            "wrong media type",
            test::TestRequest::post()
                .uri("/notes")
                .insert_header(("content-type", "text/plain"))
                .set_payload("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
        ),
        (
            "no media type",
            test::TestRequest::post()
                .uri("/notes")
                .set_payload(r#"{"title":"x","amount_fen":1,"channel":"app"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
        ),
        (
            "over 64 KiB",
            post_json(&oversized),
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
        ),
        (
            "unknown field",
            post_json(r#"{"title":"x","amount_fen":1,"channel":"app","admin":true}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "missing field",
            post_json(r#"{"title":"x","channel":"app"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "wrong type",
            post_json(r#"{"title":"x","amount_fen":"12","channel":"app"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "invalid value",
            post_json(r#"{"title":"x","amount_fen":0,"channel":"app"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "not an object",
            post_json("[]"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "unknown route",
            test::TestRequest::get().uri("/nowhere"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "wrong method",
            test::TestRequest::get().uri("/notes"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (name, req, expected, code) in cases {
        let (status, content_type, _, body) = send(&h, req).await;
        println!("{name}: {status}");
        assert_problem(status, &content_type, &body, expected, code);
    }
    assert_eq!(h.notes_written(), 0, "no bad request may write");
}

#[actix_web::test]
async fn a_422_lists_every_bad_field_with_a_message() {
    let h = Harness::new();
    let (status, content_type, _, body) = send(
        &h,
        post_json(r#"{"title":"","amount_fen":-5,"channel":"mail","note":7,"extra":1}"#)
            .insert_header(("accept-language", "en")),
    )
    .await;
    assert_problem(
        status,
        &content_type,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.failed",
    );
    let mut fields: Vec<(String, String)> = body["errors"]
        .as_array()
        .expect("errors[]")
        .iter()
        .map(|e| {
            assert!(
                e["message"]
                    .as_str()
                    .is_some_and(|m| m.is_ascii() && !m.is_empty()),
                "English message: {e}"
            );
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("amount_fen", "below_minimum"),
            ("channel", "not_one_of"),
            ("extra", "unknown_field"),
            ("note", "invalid_type"),
            ("title", "too_short"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    assert_eq!(h.notes_written(), 0);
}

#[actix_web::test]
async fn messages_are_chinese_by_default_and_english_on_request() {
    let h = Harness::new();
    let (.., zh) = send(&h, post_json("nope")).await;
    let (.., en) = send(
        &h,
        post_json("nope").insert_header(("accept-language", "en-US,en;q=0.9")),
    )
    .await;
    assert_eq!(zh["title"], "请求体不是合法的 JSON");
    assert_eq!(en["title"], "Malformed request body");
    assert_eq!(
        zh["code"], en["code"],
        "the code is the same in every language"
    );
}

#[actix_web::test]
async fn a_wrong_method_names_the_allowed_ones() {
    let h = Harness::new();
    let (status, _, allow, _) = send(&h, test::TestRequest::delete().uri("/notes")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allow.as_deref(), Some("POST"));
}

#[actix_web::test]
async fn a_server_fault_answers_internal_error_and_nothing_more() {
    let h = Harness::new();
    let (status, content_type, _, body) = send(&h, test::TestRequest::get().uri("/broken")).await;
    assert_problem(
        status,
        &content_type,
        &body,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    );
    let text = body.to_string();
    for leak in [
        "secret_column",
        "members_secret_table",
        "SELECT",
        "sqlite",
        "diesel",
        ".rs",
    ] {
        assert!(!text.contains(leak), "the answer leaks {leak:?}: {text}");
    }
}

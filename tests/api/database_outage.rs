//! PostgreSQL going away under a running API: every request that needs it answers 503
//! problem+json with Retry-After quickly (none waits out the dead database), readiness says so,
//! and everything works again once it is back, without restarting the API. A statement past the
//! statement timeout answers the same way.

use std::time::{Duration, Instant};

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use diesel::RunQueryDsl;
use gangonghui_api::{ApiError, AppState};

use crate::helpers::{Outage, TestApp, logs, postgres_admin_url, problem};

/// The longest a request may take while the database is down.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// An app whose PostgreSQL sits behind an [`Outage`] proxy; `None` without PostgreSQL for the run.
async fn app_behind_outage() -> Option<(Outage, TestApp)> {
    let admin = postgres_admin_url()?;
    let (_, rest) = admin.split_once('@')?;
    let (authority, _) = rest.split_once('/')?;
    let outage = Outage::start(authority.to_owned()).await;
    let port = outage.port;
    let app = TestApp::spawn_with(|vars| {
        // The same per-test database, reached through the proxy.
        let url = vars["DATABASE_URL"].clone();
        let (user, rest) = url.split_once('@').unwrap();
        let (_, db) = rest.split_once('/').unwrap();
        vars.insert("DATABASE_URL", format!("{user}@127.0.0.1:{port}/{db}"));
    })
    .await;
    Some((outage, app))
}

#[tokio::test]
async fn a_database_outage_answers_503_with_retry_after_at_once_and_heals_itself() {
    let Some((outage, app)) = app_behind_outage().await else {
        eprintln!("skipped here: needs GGH_TEST_DATABASE_URL (run by .ci/run)");
        return;
    };
    let member = app.register("13200000051").await;
    assert_eq!(app.get("/api/v1/merchants").await.status().as_u16(), 200);

    // Every pooled connection breaks and no new one can be opened.
    outage.cut();
    for round in 0..4 {
        for path in ["/api/v1/merchants", "/api/v1/orgs", "/readyz"] {
            let started = Instant::now();
            let response = app.get(path).await;
            let took = started.elapsed();
            assert!(
                took <= ANSWER_WITHIN,
                "{path} (round {round}) took {took:?}"
            );
            assert_eq!(response.status().as_u16(), 503, "{path} (round {round})");
            let retry_after = response.headers().get("retry-after").cloned();
            assert!(retry_after.is_some(), "{path}: no Retry-After");
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                content_type.starts_with("application/problem+json"),
                "{content_type}"
            );
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "service.unavailable", "{problem}");
        }
    }

    outage.restore().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let merchants = app.get("/api/v1/merchants").await.status().as_u16();
        let ready = app.get("/readyz").await.status().as_u16();
        if (merchants, ready) == (200, 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not recovered 10 s after the database came back: merchants {merchants}, readyz {ready}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.me_status(&member.access).await, 200);
}

/// Runs a statement that sleeps past any statement timeout the test sets.
#[utoipa::path(responses((status = 200)))]
#[get("/probe/slow-statement")]
async fn slow_statement(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db(|conn| Ok(diesel::sql_query("SELECT pg_sleep(3)").execute(conn)?))
        .await?;
    Ok(HttpResponse::Ok().finish())
}

fn with_slow_statement(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    gangonghui_api::routes::configure(cfg);
    cfg.service(slow_statement);
}

#[tokio::test]
async fn a_statement_past_the_statement_timeout_answers_503_problem_json() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped here: needs GGH_TEST_DATABASE_URL (SQLite has no statement timeout)");
        return;
    }
    let app = TestApp::spawn_with_routes(
        |vars| {
            vars.insert("GGH_DB_STATEMENT_TIMEOUT_MS", "300".into());
        },
        with_slow_statement,
    )
    .await;
    let started = Instant::now();
    let response = app.get("/probe/slow-statement").await;
    assert!(started.elapsed() < Duration::from_secs(2), "not cancelled");
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(problem(response, 503).await["code"], "service.unavailable");
    assert!(logs().contains("ran past GGH_DB_STATEMENT_TIMEOUT_MS"));
    // Ordinary requests on the same pool still work.
    assert_eq!(app.get("/api/v1/orgs").await.status(), 200);
}

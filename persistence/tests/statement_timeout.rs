//! PostgreSQL's statement timeout, set on every pooled connection: a statement past it fails in
//! a way the API answers with 503, and migrations can still run past it.
//!
//! Runs only when `GGH_TEST_DATABASE_URL` names a server (SQLite has no statement timeout).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use gangonghui_persistence::error::is_statement_timeout;
use gangonghui_persistence::testdb::TestDb;
use gangonghui_persistence::{Backend, DbError, DbPool, PoolOptions};

#[test]
fn a_statement_past_the_timeout_is_cancelled_as_unavailable_and_unbounded_work_is_not() {
    let Some(admin) = std::env::var("GGH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped here: needs GGH_TEST_DATABASE_URL (run by .ci/run)");
        return;
    };
    let db = TestDb::fresh(Some(&admin)).expect("PostgreSQL test database");
    let options = PoolOptions {
        statement_timeout: Some(Duration::from_millis(200)),
        ..PoolOptions::default_for(Backend::Postgres)
    };
    let pool = DbPool::connect(db.url(), &options).unwrap();
    let mut conn = pool.get().unwrap();

    let started = Instant::now();
    let err = conn.batch_execute("SELECT pg_sleep(2)").unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "not cancelled in time"
    );
    assert!(is_statement_timeout(&err), "{err:?}");
    assert!(DbError::Query(err).is_unavailable());
    // The connection is still good after the cancel.
    conn.batch_execute("SELECT 1").unwrap();

    pool.unbounded(&mut conn, |c| Ok(c.batch_execute("SELECT pg_sleep(0.4)")?))
        .unwrap();
    // And the limit is back for what runs next on this connection.
    let err = conn.batch_execute("SELECT pg_sleep(2)").unwrap_err();
    assert!(is_statement_timeout(&err), "{err:?}");
}

//! Both backends behave the same through the one code path: the migrations have the same names
//! and give the same columns, every table round-trips, the audit log is append-only, and
//! concurrent writers never see "database is locked".
//!
//! SQLite always runs; PostgreSQL too when `GGH_TEST_DATABASE_URL` names a server (as `.ci/run`
//! does), e.g. `postgres://postgres@127.0.0.1:5432/postgres`.

// Test helpers fail loudly by design: an unwrap or an index that panics is a failed assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier, LazyLock};

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use gangonghui_domain::ids::AccountId;
use gangonghui_persistence::audit::{self, NewAuditEvent};
use gangonghui_persistence::testdb::TestDb;
use gangonghui_persistence::{Backend, DbConn, DbPool, PoolOptions, migrate, write_tx};

fn postgres_admin_url() -> Option<String> {
    std::env::var("GGH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A migrated database on each backend available to this run.
fn each_backend() -> Vec<(TestDb, DbPool)> {
    let mut dbs = vec![TestDb::fresh(None).expect("sqlite test database")];
    if let Some(admin) = postgres_admin_url() {
        dbs.push(
            TestDb::fresh(Some(&admin))
                .expect("GGH_TEST_DATABASE_URL is set but PostgreSQL is unusable"),
        );
    }
    dbs.into_iter()
        .map(|db| {
            let backend = Backend::from_url(db.url()).expect("known scheme");
            let options = PoolOptions {
                max_size: 16,
                ..PoolOptions::default_for(backend)
            };
            let pool = DbPool::connect(db.url(), &options).expect("pool");
            migrate::run_pending(&mut pool.get().expect("connection")).expect("migrations");
            (db, pool)
        })
        .collect()
}

/// Both backends keep microseconds; compare at that precision.
fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// The actor of the events below.
static ACTOR: LazyLock<AccountId> = LazyLock::new(|| AccountId::from("0193b8a4-actor"));

fn event<'a>(target_id: &'a str, at: NaiveDateTime) -> NewAuditEvent<'a> {
    NewAuditEvent {
        at,
        actor_id: Some(&ACTOR),
        actor_role: Some("union_admin"),
        action: "membership.approve",
        target_type: "membership_application",
        target_id,
        org_scope: Some("360000.360100"),
        request_id: Some("req-1"),
        ip: Some("203.0.113.7"),
        detail: r#"{"from":"pending","to":"active","名":"审核"}"#.into(),
    }
}

#[test]
fn migration_folders_hold_the_same_names() {
    let names = |backend: &str| -> BTreeSet<String> {
        let dir = format!("{}/../migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| {
                let path = entry.expect("entry").path();
                for file in ["up.sql", "down.sql"] {
                    assert!(path.join(file).exists(), "{} lacks {file}", path.display());
                }
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    let (postgres, sqlite) = (names("postgres"), names("sqlite"));
    assert!(!postgres.is_empty());
    assert_eq!(
        postgres, sqlite,
        "every migration must exist for both backends under the same name"
    );
}

#[test]
fn audit_events_round_trip_on_every_backend() {
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().expect("connection");
        let at = now();
        let id = audit::record(&mut conn, &event("app-1", at)).expect("insert");
        let id2 = audit::record(
            &mut conn,
            &NewAuditEvent {
                actor_id: None,
                actor_role: None,
                org_scope: None,
                request_id: None,
                ip: None,
                ..event("app-1", at)
            },
        )
        .expect("insert with nulls");
        assert!(id2 > id, "ids grow in insertion order");

        let rows = audit::for_target(&mut conn, "membership_application", "app-1").expect("select");
        assert_eq!(rows.len(), 2, "{:?}", pool.backend());
        let first = &rows[0];
        assert_eq!(first.id, id);
        assert_eq!(first.at, at);
        assert_eq!(
            first.actor_id.as_ref().map(AccountId::as_str),
            Some("0193b8a4-actor")
        );
        assert_eq!(first.actor_role.as_deref(), Some("union_admin"));
        assert_eq!(first.action, "membership.approve");
        assert_eq!(first.org_scope.as_deref(), Some("360000.360100"));
        assert_eq!(first.request_id.as_deref(), Some("req-1"));
        assert_eq!(first.ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(
            first.detail,
            r#"{"from":"pending","to":"active","名":"审核"}"#
        );
        assert_eq!(
            (
                rows[1].actor_id.as_ref().map(AccountId::as_str),
                rows[1].ip.as_deref()
            ),
            (None, None)
        );
    }
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    use gangonghui_persistence::schema::audit_events::dsl::*;
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().expect("connection");
        audit::record(&mut conn, &event("app-2", now())).expect("insert");
        let updated = diesel::update(audit_events)
            .set(action.eq("rewritten"))
            .execute(&mut conn);
        assert!(updated.is_err(), "{:?}: UPDATE must fail", pool.backend());
        let deleted = diesel::delete(audit_events).execute(&mut conn);
        assert!(deleted.is_err(), "{:?}: DELETE must fail", pool.backend());
        let rows = audit::for_target(&mut conn, "membership_application", "app-2").expect("select");
        assert_eq!(
            rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
            ["membership.approve"]
        );
    }
}

#[test]
fn a_failed_write_transaction_leaves_nothing_behind() {
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().expect("connection");
        let outcome: Result<(), diesel::result::Error> = write_tx(&mut conn, |c| {
            audit::record(c, &event("app-3", now()))?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(outcome.is_err());
        let rows = audit::for_target(&mut conn, "membership_application", "app-3").expect("select");
        assert!(
            rows.is_empty(),
            "{:?}: the insert must be rolled back",
            pool.backend()
        );
        // The connection is usable afterwards (no transaction left open).
        write_tx(&mut conn, |c| audit::record(c, &event("app-3", now())))
            .expect("next transaction");
    }
}

/// 16 threads each read, then write, inside a transaction, all at once. On SQLite a deferred
/// transaction fails such upgrades with "database is locked"; `write_tx` must queue them.
#[test]
fn sixteen_concurrent_read_then_write_transactions_all_succeed() {
    const WRITERS: usize = 16;
    const ROUNDS: usize = 20;
    for (_db, pool) in each_backend() {
        let start = Arc::new(Barrier::new(WRITERS));
        let threads: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (pool, start) = (pool.clone(), Arc::clone(&start));
                std::thread::spawn(move || -> Vec<String> {
                    let backend = pool.backend();
                    let mut conn = pool
                        .get()
                        .unwrap_or_else(|e| panic!("{backend:?}: connection: {e:?}"));
                    start.wait();
                    (0..ROUNDS)
                        .filter_map(|_| {
                            write_tx(&mut conn, |c: &mut DbConn| {
                                let seen = audit::for_target(c, "counter", "shared")?.len();
                                audit::record(c, &event("shared", now()).with_target("counter"))?;
                                Ok::<_, diesel::result::Error>(seen)
                            })
                            .err()
                            .map(|e| format!("writer {w}: {e}"))
                        })
                        .collect()
                })
            })
            .collect();
        let failures: Vec<String> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("thread"))
            .collect();
        assert!(failures.is_empty(), "{:?}: {failures:?}", pool.backend());
        let rows = audit::for_target(&mut pool.get().expect("connection"), "counter", "shared")
            .expect("select");
        assert_eq!(rows.len(), WRITERS * ROUNDS);
    }
}

trait WithTarget {
    fn with_target(self, target_type: &'static str) -> Self;
}

impl WithTarget for NewAuditEvent<'_> {
    fn with_target(self, target_type: &'static str) -> Self {
        NewAuditEvent {
            target_type,
            ..self
        }
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    table: String,
    name: String,
    family: &'static str,
    nullable: bool,
}

fn family(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    match t.as_str() {
        _ if t.contains("int") => "integer",
        "text" | "character varying" | "varchar" => "text",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "boolean" | "bool" => "bool",
        "bytea" | "blob" | "binary" => "binary",
        "date" => "date",
        "double precision" | "real" | "double" | "float" => "float",
        _ => "unknown",
    }
}

/// The schemas are compared column by column (name, type family, nullability, order), so a
/// migration written for one backend and forgotten or mistyped in the other fails here.
#[test]
fn both_backends_have_the_same_tables_and_columns() {
    let Some(admin) = postgres_admin_url() else {
        eprintln!("skipped here: needs GGH_TEST_DATABASE_URL (run by .ci/run)");
        return;
    };
    #[derive(QueryableByName)]
    struct PgColumn {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        data_type: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        is_nullable: String,
    }
    #[derive(QueryableByName)]
    struct SqliteColumn {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        data_type: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        not_null: i32,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pk: i32,
    }
    let pg_db = TestDb::fresh(Some(&admin)).expect("postgres");
    let sqlite_db = TestDb::fresh(None).expect("sqlite");
    let mut pg = PgConnection::establish(pg_db.url()).expect("connect");
    let sqlite_pool =
        DbPool::connect(sqlite_db.url(), &PoolOptions::default_for(Backend::Sqlite)).expect("pool");
    let mut sqlite_conn = sqlite_pool.get().expect("connection");
    migrate::run_pending(&mut sqlite_conn).expect("migrate");
    let DbConn::Sqlite(sqlite) = &mut *sqlite_conn else {
        unreachable!()
    };

    let pg_columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
         is_nullable::text AS is_nullable FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_diesel%' ORDER BY table_name, ordinal_position",
    )
    .load::<PgColumn>(&mut pg)
    .expect("pg columns")
    .into_iter()
    .map(|c| Column { table: c.table_name, name: c.column_name, family: family(&c.data_type), nullable: c.is_nullable == "YES" })
    .collect();
    let sqlite_columns: Vec<Column> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, p.\"notnull\" AS not_null, p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE '\\_\\_diesel%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY m.name, p.cid",
    )
    .load::<SqliteColumn>(sqlite)
    .expect("sqlite columns")
    .into_iter()
    .map(|c| Column { table: c.table_name, name: c.column_name, family: family(&c.data_type), nullable: c.not_null == 0 && c.pk == 0 })
    .collect();

    assert!(
        pg_columns.iter().all(|c| c.family != "unknown"),
        "{pg_columns:?}"
    );
    assert!(!pg_columns.is_empty());
    assert_eq!(pg_columns, sqlite_columns);
}

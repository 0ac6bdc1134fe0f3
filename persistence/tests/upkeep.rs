//! The upkeep's batched deletes on every backend: rows past their time go, a batch at a time;
//! live rows stay; two sweeps at once delete each row once and fail nowhere; and an expired
//! idempotency key reads as absent before any sweep has reached it.
//!
//! SQLite always runs; PostgreSQL too when `GGH_TEST_DATABASE_URL` names a server.

// Test helpers fail loudly by design: an unwrap or an index that panics is a failed assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use chrono::{Duration, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, MerchantId, OtpId, SessionId};
use gangonghui_persistence::schema::{
    client_nonces, idempotency_keys, otp_codes, refresh_tokens, sessions,
};
use gangonghui_persistence::testdb::TestDb;
use gangonghui_persistence::upkeep::{self, Expiring};
use gangonghui_persistence::{
    Backend, DbConn, DbPool, PoolOptions, accounts, idempotency, migrate, nonces, otp, write_tx,
};

fn each_backend() -> Vec<(TestDb, DbPool)> {
    let mut dbs = vec![TestDb::fresh(None).expect("sqlite test database")];
    if let Some(admin) = std::env::var("GGH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        dbs.push(TestDb::fresh(Some(&admin)).expect("PostgreSQL test database"));
    }
    dbs.into_iter()
        .map(|db| {
            let backend = Backend::from_url(db.url()).expect("known scheme");
            let pool = DbPool::connect(db.url(), &PoolOptions::default_for(backend)).unwrap();
            migrate::run_pending(&mut pool.get().unwrap()).unwrap();
            (db, pool)
        })
        .collect()
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Rows of every kind: `expired` of each past `cutoff` (each a second older than the one
/// before, so batches split between them) and `live` of each after it.
fn fill(conn: &mut DbConn, cutoff: NaiveDateTime, expired: i64, live: i64) {
    write_tx(conn, |c| {
        let account = AccountId::from("acct-upkeep");
        accounts::insert(
            c,
            &accounts::NewAccount::new(&account, "13800000000", None, "会员", cutoff),
        )?;
        let merchant = MerchantId::from("m-1");
        for (i, at) in (0..expired)
            .map(|i| (i, cutoff - Duration::seconds(i + 1)))
            .chain((0..live).map(|i| (expired + i, cutoff + Duration::seconds(i + 1))))
        {
            idempotency::store_answer(c, &merchant, &format!("k{i}"), "h", 201, "{}", at, at)?;
            nonces::remember(c, "mp", &format!("nonce-{i}"), at)?;
            let code = OtpId::from(format!("otp-{i}"));
            otp::insert(
                c,
                &otp::NewOtp {
                    id: &code,
                    phone: "13800000000",
                    purpose: "login",
                    code_hash: "h",
                    created_at: at,
                    expires_at: at,
                    ip: None,
                },
            )?;
            let session = SessionId::from(format!("s-{i}"));
            gangonghui_persistence::sessions::insert(
                c,
                &gangonghui_persistence::sessions::NewSession {
                    id: &session,
                    account_id: &account,
                    client: "app",
                    device: None,
                    ip: None,
                    created_at: at,
                    last_seen_at: at,
                    expires_at: at,
                },
            )?;
            // Two tokens per session, one spent: what a refresh leaves behind.
            for t in 0..2 {
                gangonghui_persistence::sessions::insert_refresh(
                    c,
                    &format!("t-{i}-{t}"),
                    &session,
                    at,
                    at,
                )?;
            }
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
}

fn count(conn: &mut DbConn, kind: Expiring) -> i64 {
    match kind {
        Expiring::IdempotencyKeys => idempotency_keys::table.count().get_result(conn),
        Expiring::ClientNonces => client_nonces::table.count().get_result(conn),
        Expiring::OtpCodes => otp_codes::table.count().get_result(conn),
        Expiring::RefreshTokens => refresh_tokens::table.count().get_result(conn),
        Expiring::Sessions => sessions::table.count().get_result(conn),
    }
    .unwrap()
}

#[test]
fn rows_past_their_time_go_a_batch_at_a_time_and_live_rows_stay() {
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().unwrap();
        let cutoff = now();
        fill(&mut conn, cutoff, 25, 3);
        // One bounded batch first: the ten oldest go, nothing live.
        let first = upkeep::delete_batch(&mut conn, Expiring::IdempotencyKeys, cutoff, 10).unwrap();
        assert_eq!(first, 10, "{:?}", pool.backend());
        assert_eq!(count(&mut conn, Expiring::IdempotencyKeys), 18);
        for kind in Expiring::ALL {
            let rows = if kind == Expiring::RefreshTokens {
                2
            } else {
                1
            };
            let already = if kind == Expiring::IdempotencyKeys {
                10
            } else {
                0
            };
            let swept = upkeep::sweep(&mut conn, kind, cutoff).unwrap();
            assert_eq!(
                swept,
                Some(25 * rows - already),
                "{kind:?} on {:?}",
                pool.backend()
            );
            assert_eq!(count(&mut conn, kind), 3 * rows as i64, "{kind:?}");
            // Again: nothing left to do, and no error for it.
            assert_eq!(upkeep::sweep(&mut conn, kind, cutoff).unwrap(), Some(0));
        }
    }
}

#[test]
fn sweeps_larger_than_a_batch_take_several_statements() {
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().unwrap();
        let cutoff = now();
        let merchant = MerchantId::from("m-1");
        let due = upkeep::BATCH * 2 + 5;
        write_tx(&mut conn, |c| {
            for i in 0..due {
                let at = cutoff - Duration::milliseconds(i + 1);
                idempotency::store_answer(c, &merchant, &format!("k{i}"), "h", 201, "{}", at, at)?;
            }
            idempotency::store_answer(c, &merchant, "live", "h", 201, "{}", cutoff, cutoff)
        })
        .unwrap();
        let swept = upkeep::sweep(&mut conn, Expiring::IdempotencyKeys, cutoff).unwrap();
        assert_eq!(swept, Some(due as usize), "{:?}", pool.backend());
        assert_eq!(count(&mut conn, Expiring::IdempotencyKeys), 1);
    }
}

/// Replicas sweeping the same table at the same moment: each row is deleted once, no sweep
/// fails. On PostgreSQL the one that finds the table's lock taken steps aside (`None`).
/// Refresh tokens may also go with their sessions (a replica already at the sessions takes
/// the tokens still referencing them), uncounted: for them only what is left is exact.
#[test]
fn concurrent_sweeps_delete_each_row_once() {
    for (_db, pool) in each_backend() {
        let cutoff = now();
        fill(&mut pool.get().unwrap(), cutoff, 300, 2);
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let sweeps: Vec<_> = (0..4)
            .map(|_| {
                let (pool, barrier) = (pool.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    Expiring::ALL.map(|kind| upkeep::sweep(&mut conn, kind, cutoff).unwrap())
                })
            })
            .collect();
        let results: Vec<_> = sweeps.into_iter().map(|s| s.join().unwrap()).collect();
        let mut conn = pool.get().unwrap();
        for (i, kind) in Expiring::ALL.into_iter().enumerate() {
            let rows = if kind == Expiring::RefreshTokens {
                2
            } else {
                1
            };
            let deleted: usize = results.iter().filter_map(|r| r[i]).sum();
            if kind == Expiring::RefreshTokens {
                assert!(deleted <= 300 * rows, "{deleted} on {:?}", pool.backend());
            } else {
                assert_eq!(deleted, 300 * rows, "{kind:?} on {:?}", pool.backend());
            }
            assert_eq!(count(&mut conn, kind), 2 * rows as i64, "{kind:?}");
        }
    }
}

/// A key past the retention is absent to requests even while its row is still there: it is not
/// found, and storing under it overwrites it. A live key is neither.
#[test]
fn an_expired_idempotency_key_reads_as_absent_before_any_sweep() {
    for (_db, pool) in each_backend() {
        let mut conn = pool.get().unwrap();
        let (merchant, t0) = (MerchantId::from("m-1"), now());
        let day = Duration::hours(24);
        assert!(
            idempotency::store_answer(&mut conn, &merchant, "k", "first", 201, "{}", t0, t0 - day)
                .unwrap()
        );
        // An hour later: live, kept as it was.
        let later = t0 + Duration::hours(1);
        assert!(
            !idempotency::store_answer(
                &mut conn,
                &merchant,
                "k",
                "second",
                422,
                "{}",
                later,
                later - day
            )
            .unwrap()
        );
        let row = idempotency::find_key(&mut conn, &merchant, "k", later - day)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.request_hash.as_str(), row.response_status),
            ("first", Some(201))
        );
        // A day and an hour later: forgotten, so the new answer is stored in its place.
        let past = t0 + day + Duration::hours(1);
        assert!(
            idempotency::find_key(&mut conn, &merchant, "k", past - day)
                .unwrap()
                .is_none()
        );
        assert!(
            idempotency::store_answer(
                &mut conn,
                &merchant,
                "k",
                "third",
                409,
                "{}",
                past,
                past - day
            )
            .unwrap()
        );
        let row = idempotency::find_key(&mut conn, &merchant, "k", past - day)
            .unwrap()
            .unwrap();
        assert_eq!((row.request_hash.as_str(), row.created_at), ("third", past));
    }
}

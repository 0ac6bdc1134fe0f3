//! The pool reports what the metrics sample: connections in use and idle, checkouts waiting.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gangonghui_persistence::{Backend, DbPool, PoolOptions, PoolState};

#[test]
fn the_pool_counts_connections_in_use_idle_and_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("state.db").display());
    let options = PoolOptions {
        max_size: 1,
        ..PoolOptions::default_for(Backend::Sqlite)
    };
    let pool = DbPool::connect(&url, &options).unwrap();
    let held = pool.get().unwrap();
    let busy = PoolState {
        in_use: 1,
        idle: 0,
        waiting: 0,
        max: 1,
    };
    assert_eq!(pool.state(), busy);

    let waiter = {
        let pool = pool.clone();
        std::thread::spawn(move || pool.get_within(Duration::from_secs(5)).map(drop))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while pool.state().waiting == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(pool.state().waiting, 1, "the second checkout waits");

    drop(held);
    waiter
        .join()
        .unwrap()
        .expect("the waiter gets the connection");
    let idle = PoolState {
        in_use: 0,
        idle: 1,
        waiting: 0,
        max: 1,
    };
    assert_eq!(pool.state(), idle);
}

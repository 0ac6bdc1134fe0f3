//! The rate limits' counters across a Redis outage: counted in-process while it is down, and
//! folded back into Redis with the first count after it returns, so a burst straddling the
//! return is counted in one place.

use std::time::Duration;

use gangonghui_api::cache::{Cache, Counters, RedisTimeouts};

use crate::helpers::{Outage, redis_url};

#[tokio::test]
async fn counts_made_while_redis_was_down_join_it_when_it_returns() {
    let Some(url) = redis_url() else {
        eprintln!("skipped here: needs GGH_TEST_REDIS_URL (run by .ci/run)");
        return;
    };
    let rest = url.trim_start_matches("redis://");
    let (authority, db) = rest.split_once('/').unwrap_or((rest, "0"));
    let outage = Outage::start(authority.to_owned()).await;
    let prefix = format!("ggh_test_{}:", uuid::Uuid::new_v4().simple());
    let proxied = format!("redis://127.0.0.1:{}/{db}", outage.port);
    let cache = Cache::from_settings(Some(&proxied), &prefix, RedisTimeouts::default()).unwrap();
    let counters = Counters::new(cache.clone());
    let window = Duration::from_secs(60);
    assert_eq!(counters.add("tries", 1, window).await, 1, "in Redis");
    outage.cut();
    for expected in 1..=4 {
        assert_eq!(
            counters.add("tries", 1, window).await,
            expected,
            "in-process"
        );
    }
    assert!(
        counters.first_time("seen", window).await,
        "marked in-process"
    );
    outage.restore().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while cache.ping().await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "Redis never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        counters.peek("tries").await,
        5,
        "both places, before folding"
    );
    assert!(
        !counters.first_time("seen", window).await,
        "the mark made while down holds"
    );
    assert_eq!(
        counters.add("tries", 1, window).await,
        6,
        "folded into Redis"
    );
    assert_eq!(counters.peek("tries").await, 6);
    let direct = Cache::from_settings(Some(&url), &prefix, RedisTimeouts::default()).unwrap();
    assert_eq!(direct.get("tries").await.unwrap().as_deref(), Some("6"));
    let _ = direct.delete("tries").await;
}

//! The cache contract on both implementations, and what happens when Redis goes away: calls
//! fail within the 200 ms bound, the API keeps answering, readiness says why, and everything
//! recovers when Redis is back.

use std::time::{Duration, Instant};

use gangonghui_api::cache::{Cache, RedisTimeouts};

use crate::helpers::{Outage, TestApp, redis_url};
use crate::helpers::{new_pos_key, revoke_pos_key, shop, suspend_shop};

/// Both implementations when Redis is configured for the run, else the in-process one.
fn caches() -> Vec<Cache> {
    let prefix = format!("ggh_test:{}:", uuid::Uuid::new_v4().simple());
    let mut caches = vec![Cache::from_settings(None, &prefix, RedisTimeouts::default()).unwrap()];
    if let Some(url) = redis_url() {
        caches.push(Cache::from_settings(Some(&url), &prefix, RedisTimeouts::default()).unwrap());
    }
    caches
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn get_set_delete_and_expiry() {
    for cache in caches() {
        let kind = cache.kind();
        assert_eq!(cache.get("k").await.unwrap(), None, "{kind}");
        cache.set("k", "会员", MINUTE).await.unwrap();
        assert_eq!(
            cache.get("k").await.unwrap().as_deref(),
            Some("会员"),
            "{kind}"
        );
        cache.delete("k").await.unwrap();
        assert_eq!(cache.get("k").await.unwrap(), None, "{kind}");

        cache
            .set("short", "v", Duration::from_millis(100))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(cache.get("short").await.unwrap(), None, "{kind}: expired");
        cache.delete("short").await.unwrap();
    }
}

#[tokio::test]
async fn set_if_absent_admits_exactly_one_of_many_racers() {
    for cache in caches() {
        let racers = (0..50).map(|i| {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .set_if_absent("once", &i.to_string(), MINUTE)
                    .await
                    .unwrap()
            })
        });
        let winners = futures_util::future::join_all(racers)
            .await
            .into_iter()
            .filter(|won| *won.as_ref().unwrap())
            .count();
        assert_eq!(winners, 1, "{}", cache.kind());
        cache.delete("once").await.unwrap();
    }
}

#[tokio::test]
async fn counters_count_concurrent_increments_within_a_window() {
    for cache in caches() {
        let incrs = (0..40).map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .incr("hits", Duration::from_millis(600))
                    .await
                    .unwrap()
            })
        });
        let mut counts: Vec<i64> = futures_util::future::join_all(incrs)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        counts.sort_unstable();
        assert_eq!(
            counts,
            (1..=40).collect::<Vec<_>>(),
            "{}: each increment sees its own count",
            cache.kind()
        );
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(
            cache.incr("hits", MINUTE).await.unwrap(),
            1,
            "{}: a new window after expiry",
            cache.kind()
        );
        cache.delete("hits").await.unwrap();
    }
}

#[tokio::test]
async fn an_unreachable_redis_fails_fast_and_the_api_keeps_answering() {
    // Nothing listens on port 1: every connection attempt is refused.
    let app = TestApp::spawn_with(|vars| {
        vars.insert("REDIS_URL", "redis://127.0.0.1:1/0".into());
    })
    .await;
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    for _ in 0..5 {
        let started = Instant::now();
        assert!(app.state.cache.get("anything").await.is_err());
        assert!(
            started.elapsed() <= Duration::from_millis(250),
            "took {:?}",
            started.elapsed()
        );
    }
    // Losing the cache costs speed, not availability: still ready, and saying so.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["cache_state"], "degraded", "{body}");
}

/// An app whose Redis sits behind an [`Outage`] proxy; `None` without a Redis for the run.
async fn app_behind_outage() -> Option<(Outage, TestApp)> {
    let url = redis_url()?;
    let rest = url.trim_start_matches("redis://");
    let (authority, db) = rest.split_once('/').unwrap_or((rest, "0"));
    let outage = Outage::start(authority.to_owned()).await;
    let proxied = format!("redis://127.0.0.1:{}/{db}", outage.port);
    let app = TestApp::spawn_with(|vars| {
        vars.insert("REDIS_URL", proxied);
    })
    .await;
    Some((outage, app))
}

#[tokio::test]
async fn redis_stopping_mid_test_costs_speed_not_availability() {
    let Some((outage, app)) = app_behind_outage().await else {
        eprintln!("skipped here: needs GGH_TEST_REDIS_URL (run by .ci/run)");
        return;
    };
    let cache = &app.state.cache;
    cache
        .set("survivor", "kept in redis", MINUTE)
        .await
        .unwrap();
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);

    outage.cut();
    for _ in 0..5 {
        let started = Instant::now();
        assert!(cache.get("survivor").await.is_err(), "redis is unreachable");
        assert!(
            started.elapsed() <= Duration::from_millis(250),
            "took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(
        app.get("/healthz").await.status().as_u16(),
        200,
        "the API keeps answering"
    );
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["cache_state"], "degraded", "{ready}");

    outage.restore().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(value)) = cache.get("survivor").await {
            assert_eq!(value, "kept in redis");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cache did not recover after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    cache.delete("survivor").await.unwrap();
}

#[tokio::test]
async fn sessions_keep_working_and_revocations_hold_through_a_redis_outage() {
    let Some((outage, app)) = app_behind_outage().await else {
        eprintln!("skipped here: needs GGH_TEST_REDIS_URL (run by .ci/run)");
        return;
    };
    let keep = app.register("13200000001").await;
    let doomed = app.login("13200000001", "lost phone").await;
    // Both sessions are now cached as live in Redis.
    assert_eq!(
        (
            app.me_status(&keep.access).await,
            app.me_status(&doomed.access).await
        ),
        (200, 200)
    );

    outage.cut();
    assert_eq!(
        app.me_status(&keep.access).await,
        200,
        "the database answers for the cache"
    );
    let ended = app
        .client
        .delete(app.url(&format!("/api/v1/me/sessions/{}", doomed.session_id)))
        .bearer_auth(&keep.access)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status().as_u16(), 204);
    assert_eq!(
        app.me_status(&doomed.access).await,
        401,
        "revoked while Redis is down"
    );

    // Redis comes back still holding the session as live from before the outage: the
    // background tombstone must win before that stale entry is believed.
    outage.restore().await;
    for _ in 0..20 {
        assert_eq!(
            app.me_status(&doomed.access).await,
            401,
            "a revoked session came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.me_status(&keep.access).await, 200);
}

#[tokio::test]
async fn flushing_the_cache_does_not_revive_a_revoked_session() {
    let app = TestApp::spawn().await;
    let alive = app.register("13200000002").await;
    let revoked = app.login("13200000002", "old").await;
    assert_eq!(app.me_status(&revoked.access).await, 200);
    app.post(
        "/api/v1/auth/logout",
        &serde_json::json!({}),
        Some(&revoked.access),
    )
    .await;
    // Forget everything the cache knows about both sessions (a Redis FLUSH, or a restart).
    for session in [&alive, &revoked] {
        app.state
            .cache
            .delete(&format!("session:{}", session.session_id))
            .await
            .unwrap();
        app.state
            .cache
            .delete(&format!("account:{}", session.account_id))
            .await
            .unwrap();
    }
    assert_eq!(
        app.me_status(&revoked.access).await,
        401,
        "the database still says revoked"
    );
    assert_eq!(app.me_status(&alive.access).await, 200);
}

#[tokio::test]
async fn pos_key_revocations_and_suspensions_hold_through_a_redis_outage() {
    let Some((outage, app)) = app_behind_outage().await else {
        eprintln!("skipped here: needs GGH_TEST_REDIS_URL (run by .ci/run)");
        return;
    };
    let (owner, _) = shop(&app).await;
    let (doomed_id, doomed) = new_pos_key(&app, &owner, "收银台 1").await;
    let (_, kept) = new_pos_key(&app, &owner, "收银台 2").await;
    let with_key = |key: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/merchant/staff"))
                .header("x-api-key", key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Both keys and the merchant's status are now cached in Redis.
    assert_eq!(
        (with_key(doomed.clone()).await, with_key(kept.clone()).await),
        (200, 200)
    );

    outage.cut();
    revoke_pos_key(&app, &owner, &doomed_id).await;
    assert_eq!(
        with_key(doomed.clone()).await,
        401,
        "revoked while Redis is down"
    );
    suspend_shop(&app).await;
    assert_eq!(
        with_key(kept.clone()).await,
        403,
        "suspended while Redis is down"
    );

    // Redis comes back holding the key and the status as they were before the outage.
    outage.restore().await;
    for _ in 0..20 {
        assert_eq!(
            (with_key(doomed.clone()).await, with_key(kept.clone()).await),
            (401, 403),
            "a revoked key or a suspended merchant came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_write_waiting_for_redis_reads_as_a_miss_and_the_newest_one_lands() {
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
    let direct = Cache::from_settings(Some(&url), &prefix, RedisTimeouts::default()).unwrap();
    let ttl = Duration::from_secs(30);
    // set_eventually retries on the server's (actix) local task set.
    tokio::task::LocalSet::new()
        .run_until(async {
            cache.set("status", "active", ttl).await.unwrap();
            outage.cut();
            cache.set_eventually("status", "suspended", ttl).await;
            cache.set_eventually("status", "active again", ttl).await;
            assert_eq!(
                cache.get("status").await.unwrap(),
                None,
                "Redis still holds the replaced entry: a waiting key must be a miss"
            );
            assert!(!cache.set_if_absent("status", "filled", ttl).await.unwrap());

            outage.restore().await;
            let deadline = Instant::now() + Duration::from_secs(10);
            while direct.get("status").await.unwrap().as_deref() != Some("active again") {
                assert!(Instant::now() < deadline, "the waiting write never landed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // The superseded write must not land after it.
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                assert_eq!(
                    direct.get("status").await.unwrap().as_deref(),
                    Some("active again")
                );
            }
            assert_eq!(
                cache.get("status").await.unwrap().as_deref(),
                Some("active again"),
                "once written, the key is read from Redis again"
            );
        })
        .await;
    direct.delete("status").await.unwrap();
}

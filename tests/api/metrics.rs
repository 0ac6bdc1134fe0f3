//! Metrics as Prometheus scrapes them: on their own address only, named as documented, and
//! moved by real requests. The recorder is one per process and other tests run beside this one,
//! so shared series are compared before and after (they can only have grown by at least what
//! this test did); exact counts are asserted on a route only this test serves.

use std::collections::HashMap;

use actix_web::{HttpResponse, get};
use chrono::Utc;
use gangonghui_api::cards::codes;
use gangonghui_api::metrics::names::{self, *};
use gangonghui_domain::totp::step_at;
use serde_json::{Value, json};

use crate::helpers::{TestApp, code_for, members_with_cards, offer, problem, request, shop};

/// A route template no other test serves, so its series count this test's requests alone.
#[utoipa::path(responses((status = 200)))]
#[get("/probe/metrics/{n}")]
async fn metrics_probe() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    gangonghui_api::routes::configure(cfg);
    cfg.service(metrics_probe);
}

/// One scrape: each series (`name{labels}`) with its value.
struct Scrape(HashMap<String, f64>);

impl Scrape {
    async fn of(app: &TestApp) -> Scrape {
        let url = format!("{}/metrics", app.metrics_address.as_ref().unwrap());
        let response = app.client.get(url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        let text = response.text().await.unwrap();
        let series = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                let (series, value) = l.rsplit_once(' ').unwrap();
                (series.to_owned(), value.parse().unwrap())
            })
            .collect();
        Scrape(series)
    }

    /// The sum of the series of `name` that carry every label in `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .filter(|(series, _)| {
                let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
                series_name == name
                    && labels
                        .iter()
                        .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
            })
            .map(|(_, v)| v)
            .sum()
    }

    fn has(&self, name: &str) -> bool {
        self.0.keys().any(|series| {
            let series_name = series.split('{').next().unwrap();
            series_name == name
                || series_name
                    .strip_prefix(name)
                    .is_some_and(|suffix| matches!(suffix, "_bucket" | "_sum" | "_count"))
        })
    }
}

#[tokio::test]
async fn metrics_move_with_real_requests_and_only_on_their_own_port() {
    let app = TestApp::spawn_with_routes(
        |vars| {
            vars.insert("GGH_METRICS_BIND", "127.0.0.1:0".into());
        },
        routes,
    )
    .await;
    let before = Scrape::of(&app).await;

    // A login, a shop with an offer, a member's code verified and redeemed, then reversed.
    let (owner, union) = shop(&app).await;
    let admin = app.login("13900000501", "metrics").await;
    let offer_id = offer(&app, &owner, json!({})).await;
    let cards = members_with_cards(&app, &union, 2).await;
    let code = code_for(&app, &cards[0], step_at(Utc::now().timestamp()));
    let verified = app
        .post(
            "/api/v1/merchant/verifications",
            &json!({ "code": code }),
            Some(&owner.access),
        )
        .await;
    assert_eq!(verified.status().as_u16(), 200);
    let body = json!({ "code": code, "offer_id": offer_id, "amount_fen": 10_000 });
    let redeem = || {
        app.client
            .post(app.url("/api/v1/merchant/redemptions"))
            .bearer_auth(&owner.access)
            .header("idempotency-key", "metrics-redemption-1")
            .json(&body)
            .send()
    };
    let redemption: Value = redeem().await.unwrap().json().await.unwrap();
    assert_eq!(redemption["discount_fen"], 1200);
    let replay = redeem().await.unwrap();
    assert_eq!(
        replay.status().as_u16(),
        201,
        "the replay answers as the first did"
    );
    let id = redemption["id"].as_str().unwrap();
    let reversed = app
        .client
        .post(app.url(&format!("/api/v1/merchant/redemptions/{id}/reverse")))
        .bearer_auth(&owner.access)
        .header("idempotency-key", "metrics-reversal-1")
        .send()
        .await
        .unwrap();
    assert_eq!(reversed.status().as_u16(), 200);

    // Wrong codes for the second card until its limit refuses one (429).
    let card_no = &cards[1].card_no;
    let mut refused = None;
    for otp in 0..12u32 {
        let wrong = codes::format_code(card_no, otp);
        let answer = app
            .post(
                "/api/v1/merchant/verifications",
                &json!({ "code": wrong }),
                Some(&owner.access),
            )
            .await;
        if answer.status().as_u16() == 429 {
            refused = Some(problem(answer, 429).await);
            break;
        }
    }
    assert_eq!(
        refused.expect("the card's limit refuses")["code"],
        "rate_limited"
    );

    // A legal-aid request filed by a non-member and accepted by the union admin.
    let applicant = app.register("13800007002").await;
    let request = request("wage_arrears", "某建筑公司", "13800007002", Some(&union));
    let case: Value = app
        .post(
            "/api/v1/legal-aid/requests",
            &request,
            Some(&applicant.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/v1/legal-aid/requests/{}/transitions",
        case["id"].as_str().unwrap()
    );
    let accepted = app
        .post(&path, &json!({ "to": "accepted" }), Some(&admin.access))
        .await;
    assert_eq!(
        accepted.status().as_u16(),
        200,
        "{:?}",
        accepted.text().await
    );

    for n in 1..=3 {
        assert_eq!(
            app.get(&format!("/probe/metrics/{n}"))
                .await
                .status()
                .as_u16(),
            200
        );
    }
    let public = app.get("/metrics").await;
    assert_eq!(problem(public, 404).await["code"], "not_found");
    let elsewhere = app
        .client
        .get(format!("{}/", app.metrics_address.as_ref().unwrap()));
    assert_eq!(elsewhere.send().await.unwrap().status().as_u16(), 404);

    let after = Scrape::of(&app).await;
    for name in names::ALL {
        assert!(after.has(name), "{name} is not exported");
    }
    let grew = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    // This test's own route: exactly its three requests, by template, never by raw path.
    let probe = [("method", "GET"), ("route", "/probe/metrics/{n}")];
    assert_eq!(
        grew(HTTP_REQUESTS, &[probe[0], probe[1], ("status", "200")]),
        3.0
    );
    assert_eq!(grew(&format!("{HTTP_REQUEST_DURATION}_count"), &probe), 3.0);
    assert!(
        after.value(
            &format!("{HTTP_REQUEST_DURATION}_bucket"),
            &[probe[1], ("le", "10")]
        ) >= 3.0
    );
    assert!(
        after
            .0
            .keys()
            .all(|s| !s.contains(id) && !s.contains("/probe/metrics/1"))
    );
    let reverse_route = "/api/v1/merchant/redemptions/{id}/reverse";
    assert!(
        grew(
            HTTP_REQUESTS,
            &[("route", reverse_route), ("status", "200")]
        ) >= 1.0
    );
    assert!(
        grew(
            HTTP_REQUESTS,
            &[("route", "/api/v1/auth/login"), ("status", "200")]
        ) >= 1.0
    );
    assert!(grew(HTTP_REQUESTS, &[("route", "unmatched"), ("status", "404")]) >= 1.0);

    // Shared series: grown by at least what this test did.
    assert!(grew(REDEMPTIONS, &[]) >= 1.0);
    assert!(grew(REDEMPTION_ORIGINAL_FEN, &[]) >= 10_000.0);
    assert!(grew(REDEMPTION_DISCOUNT_FEN, &[]) >= 1200.0);
    assert!(grew(REVERSALS, &[]) >= 1.0);
    assert!(grew(REVERSAL_DISCOUNT_FEN, &[]) >= 1200.0);
    assert!(grew(VERIFICATIONS, &[("outcome", "ok")]) >= 1.0);
    assert!(grew(VERIFICATIONS, &[("outcome", "code.invalid")]) >= 10.0);
    assert!(grew(VERIFICATIONS, &[("outcome", "rate_limited")]) >= 1.0);
    assert!(grew(RATE_LIMIT_REFUSALS, &[("limit", "counter-card")]) >= 1.0);
    assert!(grew(OTP_SENDS, &[("provider", "outbox"), ("outcome", "sent")]) >= 2.0);
    let filed = [("from", "none"), ("to", "submitted")];
    assert!(grew(LEGAL_AID_TRANSITIONS, &filed) >= 1.0);
    let taken = [("from", "submitted"), ("to", "accepted")];
    assert!(grew(LEGAL_AID_TRANSITIONS, &taken) >= 1.0);
    assert!(
        grew(CACHE_LOOKUPS, &[]) >= 1.0,
        "sessions are looked up in the cache"
    );

    // Sampled states of this app.
    let max = f64::from(app.state.db.max_size());
    assert_eq!(after.value(DB_POOL_MAX, &[]), max);
    let pooled = after.value(DB_POOL_CONNECTIONS, &[("state", "in_use")])
        + after.value(DB_POOL_CONNECTIONS, &[("state", "idle")]);
    assert!((1.0..=max).contains(&pooled), "{pooled}");
    assert_eq!(after.value(CACHE_BREAKER_OPEN, &[]), 0.0);
}

#[test]
fn every_metric_is_documented_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for name in names::ALL {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not list {name}"
        );
    }
}

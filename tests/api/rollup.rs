//! The statistics read redemptions from figures kept per merchant and month by the redemption
//! and reversal transactions. Racing real requests across a month's end, with reversals made in
//! the next month (and a reversal sent twice at once), the kept figures equal a recount of the
//! ledger, and the overview shows the recount.

use chrono::{Datelike, Duration, Utc};
use futures_util::future::join_all;
use gangonghui_domain::time::shanghai_date;
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::cards::CardRow;
use gangonghui_persistence::rollup;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, code_for, members_with_cards, offer, shop};

const CARDS: usize = 12;

/// One purchase per card, all at once, each answered 201.
async fn redeem_all(
    app: &TestApp,
    owner: &Session,
    offer_id: &str,
    cards: &[CardRow],
    round: usize,
) -> Vec<Value> {
    let step = step_at(app.state.clock.now().timestamp());
    let sends = cards.iter().enumerate().map(|(i, card)| {
        let body = json!({ "code": code_for(app, card, step), "offer_id": offer_id, "amount_fen": 1000 + 137 * i as i64 });
        app.client
            .post(app.url("/api/v1/merchant/redemptions"))
            .bearer_auth(&owner.access)
            .header("idempotency-key", format!("round{round}-{i}"))
            .json(&body)
            .send()
    });
    let mut made = Vec::new();
    for answer in join_all(sends).await {
        let answer = answer.unwrap();
        assert_eq!(answer.status().as_u16(), 201);
        made.push(answer.json().await.unwrap());
    }
    made
}

async fn reverse(app: &TestApp, owner: &Session, id: &str, key: &str) -> u16 {
    app.client
        .post(app.url(&format!("/api/v1/merchant/redemptions/{id}/reverse")))
        .bearer_auth(&owner.access)
        .header("idempotency-key", key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kept_monthly_figures_equal_a_recount_across_a_months_end() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    // Sessions are opened before the clock moves: tokens carry the real time they were issued.
    let admin = app.admin("13960000001", "360000").await;
    // To the last day of this (Asia/Shanghai) month, 22:00 there.
    let today = shanghai_date(app.state.clock.now());
    let last = today
        .with_day(1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap();
    app.state
        .clock
        .advance(Duration::days((last - today).num_days()));
    let offer_id = offer(
        &app,
        &owner,
        json!({ "ends_at": (Utc::now() + Duration::days(90)).to_rfc3339() }),
    )
    .await;
    let cards = members_with_cards(&app, &union, CARDS).await;

    let first = redeem_all(&app, &owner, &offer_id, &cards, 1).await;
    // Into the next month: codes of a new step, more purchases, and reversals of last month's.
    app.state.clock.advance(Duration::days(2));
    let second = redeem_all(&app, &owner, &offer_id, &cards, 2).await;
    let undo = |r: &Value| r["id"].as_str().unwrap().to_owned();
    let mut reversals = Vec::new();
    for r in first.iter().take(4).chain(second.iter().take(2)) {
        let id = undo(r);
        // The same redemption reversed twice at once, under two keys: one of them wins.
        reversals.push((id.clone(), format!("{id}-a")));
        reversals.push((id.clone(), format!("{id}-b")));
    }
    let statuses = join_all(
        reversals
            .iter()
            .map(|(id, key)| reverse(&app, &owner, id, key)),
    )
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 6);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 6);

    let (kept, recount) = app
        .state
        .db(|c| Ok((rollup::kept(c)?, rollup::recount(c)?)))
        .await
        .unwrap();
    assert_eq!(kept, recount);
    assert_eq!(kept.len(), 2, "two months of one merchant: {kept:?}");
    assert_eq!(
        kept.iter().map(|m| m.n).collect::<Vec<_>>(),
        vec![CARDS as i64 - 4, CARDS as i64 - 2]
    );

    // The overview shows the same figures.
    let to = &kept[1].month;
    let overview = app
        .json_as(
            &admin,
            &format!("/api/v1/admin/stats/overview?to={to}&months=2"),
        )
        .await;
    let shown: Vec<(String, i64, i64, i64)> = overview["redemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["count"].as_i64().unwrap(),
                m["original_fen"].as_i64().unwrap(),
                m["discount_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64, i64, i64)> = recount
        .iter()
        .map(|m| (m.month.clone(), m.n, m.original_fen, m.discount_fen))
        .collect();
    assert_eq!(shown, expected);
}

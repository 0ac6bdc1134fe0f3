//! `GET /merchant/redemptions/history`: a merchant's redemptions over all days, newest first,
//! walked page by page through the cursor with nothing missed or repeated, reversals marked,
//! other merchants' rows never shown, and any cursor a position rather than an error.

use chrono::{Duration, Utc};
use gangonghui_domain::ids::{AccountId, MerchantId, OfferId, RedemptionId, ReversalId};
use gangonghui_domain::time::{day_key, shanghai_date};
use gangonghui_persistence::redemptions::{self, RedemptionRow, ReversalRow};
use gangonghui_persistence::{accounts, ids};
use serde_json::{Value, json};

use crate::helpers::{TestApp, members_with_cards, offer, problem, shop};

const ROWS: usize = 45;

/// `ROWS` redemptions of the shop spread over 9 days (several per day), the 5th reversed;
/// returns `(local_date, id)` of each, newest first, and the reversed one's id.
async fn history_rows(
    app: &TestApp,
    owner: &str,
    offer_id: &str,
    union: &str,
) -> (Vec<(String, String)>, String) {
    let cards = members_with_cards(app, union, 3).await;
    let (owner, offer_id) = (AccountId::from(owner), OfferId::from(offer_id));
    let (mut made, reversed) = app
        .state
        .db(move |c| {
            let merchant: MerchantId = accounts::roles(c, &owner)?
                .into_iter()
                .find_map(|r| r.merchant_id)
                .unwrap();
            let (mut made, mut reversed) = (Vec::new(), String::new());
            for i in 0..ROWS {
                let at = Utc::now() - Duration::days((i % 9) as i64) - Duration::minutes(i as i64);
                let card = &cards[i % cards.len()];
                let row = RedemptionRow {
                    id: ids::new_id::<RedemptionId>(),
                    merchant_id: merchant.clone(),
                    staff_account_id: owner.clone(),
                    api_key_id: None,
                    card_id: card.id.clone(),
                    account_id: card.account_id.clone(),
                    offer_id: offer_id.clone(),
                    original_fen: 1000 + i as i64,
                    discount_fen: 100,
                    payable_fen: 900 + i as i64,
                    code_step: i as i64,
                    period_key: None,
                    local_date: day_key(shanghai_date(at)),
                    created_at: at.naive_utc(),
                };
                redemptions::insert(c, &row)?;
                if i == 5 {
                    let reversal = ReversalRow {
                        id: ids::new_id::<ReversalId>(),
                        redemption_id: row.id.clone(),
                        merchant_id: merchant.clone(),
                        staff_account_id: owner.clone(),
                        original_fen: row.original_fen,
                        discount_fen: row.discount_fen,
                        payable_fen: row.payable_fen,
                        local_date: row.local_date.clone(),
                        created_at: row.created_at,
                    };
                    redemptions::insert_reversal(c, &reversal, &row)?;
                    reversed = row.id.as_str().to_owned();
                }
                made.push((row.local_date, row.id.as_str().to_owned()));
            }
            Ok((made, reversed))
        })
        .await
        .unwrap();
    made.sort();
    made.reverse();
    (made, reversed)
}

#[tokio::test]
async fn a_merchants_whole_history_pages_newest_first_without_gaps() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let offer_id = offer(&app, &owner, json!({})).await;
    let (expected, reversed) = history_rows(&app, &owner.account_id, &offer_id, &union).await;

    let (mut seen, mut cursor, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let page: Value = app
            .json_as(
                &owner,
                &format!("/api/v1/merchant/redemptions/history?limit=7&cursor={cursor}"),
            )
            .await;
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            let id = item["id"].as_str().unwrap().to_owned();
            let day = day_key(shanghai_date(
                item["created_at"].as_str().unwrap().parse().unwrap(),
            ));
            assert_eq!(item["reversed"], json!(id == reversed), "{item}");
            seen.push((day, id));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, ROWS.div_ceil(7));
    assert_eq!(seen, expected, "every row once, newest day first");

    // Another merchant's staff sees none of them.
    let stranger = app.register("13800007002").await;
    let refused = app
        .get_as("/api/v1/merchant/redemptions/history", &stranger.access)
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    // A forged cursor is a position, never an error; a bad limit is a 422 naming it.
    let forged = app
        .get_as(
            "/api/v1/merchant/redemptions/history?cursor=enp6",
            &owner.access,
        )
        .await;
    assert_eq!(forged.status().as_u16(), 200);
    let bad = app
        .get_as(
            "/api/v1/merchant/redemptions/history?limit=0",
            &owner.access,
        )
        .await;
    assert_eq!(problem(bad, 422).await["errors"][0]["field"], "limit");
}

//! Cards under concurrency, and counter codes against an injected clock.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gangonghui_api::cards::codes;
use gangonghui_domain::card::CardNo;
use gangonghui_domain::ids::{AccountId, MembershipApplicationId, OrgId};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::{accounts, cards, counts, ids, memberships, orgs};
use serde_json::{Value, json};

use crate::helpers::NANCHANG;
use crate::helpers::{TestApp, problem};

/// A verified applicant with a pending application, written straight to the database (the
/// HTTP path is covered elsewhere; here only the approvals race).
async fn applicant(app: &TestApp, n: u32, union: &str) -> String {
    let union = OrgId::from(union);
    app.state
        .db(move |conn| {
            let now = Utc::now().naive_utc();
            let (account, application): (AccountId, MembershipApplicationId) =
                (ids::new_id(), ids::new_id());
            let phone = format!("1370000{n:04}");
            accounts::insert(
                conn,
                &accounts::NewAccount::new(&account, &phone, None, "并发", now),
            )?;
            let org = orgs::find(conn, &union)?.unwrap();
            memberships::insert_application(
                conn,
                &memberships::NewApplication {
                    id: &application,
                    account_id: &account,
                    org_id: &org.id,
                    org_path: &org.path,
                    employer: "x",
                    status: gangonghui_domain::membership::ApplicationStatus::Pending,
                    created_at: now,
                },
            )?;
            Ok(application.into_string())
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_concurrent_approvals_never_share_a_card_number() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000201", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "并发工会").await;
    let mut applications = Vec::new();
    for n in 0..50 {
        applications.push(applicant(&app, n, &union).await);
    }
    let approvals = applications.iter().map(|id| app.approve(&admin, id));
    let responses = futures_util::future::join_all(approvals).await;
    let mut numbers = Vec::new();
    for response in responses {
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap();
        let no = body["card"]["card_no"].as_str().unwrap().to_owned();
        assert!(CardNo::parse(&no).is_ok(), "{no}");
        numbers.push(no);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 50, "every card number is unique");
    counts_hold(&app).await;
}

/// The member and card counts kept for the statistics equal a recount of the tables.
async fn counts_hold(app: &TestApp) {
    let (kept, recount) = app
        .state
        .db(|c| Ok((counts::kept(c)?, counts::recount(c)?)))
        .await
        .unwrap();
    assert!(!kept.is_empty());
    assert_eq!(kept, recount);
}

#[tokio::test]
async fn fifty_concurrent_replacements_leave_exactly_one_live_card() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000202", "360100").await;
    let union = app.grassroots(&admin, NANCHANG, "换卡工会").await;
    let member = app.verified_member("13800002001", 21).await;
    let application = app.apply(&member, &union).await;
    assert_eq!(
        app.approve(&admin, &application).await.status().as_u16(),
        200
    );

    let empty = json!({});
    let replaces =
        (0..50).map(|_| app.post("/api/v1/me/card/replace", &empty, Some(&member.access)));
    let statuses: Vec<u16> = futures_util::future::join_all(replaces)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let account = AccountId::from(member.account_id.clone());
    let (live, total) = app
        .state
        .db(move |conn| {
            Ok((
                cards::live_for(conn, &account)?.map(|c| c.card_no),
                cards::count_for(conn, &account)?,
            ))
        })
        .await
        .unwrap();
    let wins = statuses.iter().filter(|s| **s == 201).count() as i64;
    assert_eq!(
        total,
        1 + wins,
        "each successful replacement issued exactly one card"
    );
    let card: Value = app
        .get_as("/api/v1/me/card", &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        card["card_no"].as_str(),
        live.as_deref(),
        "one live card, the one the member sees"
    );
    counts_hold(&app).await;
}

/// A card and a way to mint its codes at any instant.
async fn card_of_new_member(
    app: &TestApp,
    phone: &str,
    seq: u32,
) -> gangonghui_persistence::cards::CardRow {
    let admin = app.admin(&format!("139{}", &phone[3..]), "360100").await;
    let union = app
        .grassroots(&admin, NANCHANG, &format!("时钟工会{seq}"))
        .await;
    let member = app.verified_member(phone, seq).await;
    let application = app.apply(&member, &union).await;
    assert_eq!(
        app.approve(&admin, &application).await.status().as_u16(),
        200
    );
    let account = AccountId::from(member.account_id.clone());
    app.state
        .db(move |conn| Ok(cards::live_for(conn, &account)?.unwrap()))
        .await
        .unwrap()
}

fn code_at(
    app: &TestApp,
    card: &gangonghui_persistence::cards::CardRow,
    at: DateTime<Utc>,
) -> String {
    codes::format_code(
        &card.card_no,
        codes::otp_for(&app.state.data_keys, card, step_at(at.timestamp())).unwrap(),
    )
}

async fn check(app: &TestApp, code: &str, at: DateTime<Utc>) -> Result<(), String> {
    let (keys, code) = (app.state.data_keys.clone(), code.to_owned());
    app.state
        .db(move |conn| codes::check(conn, &keys, &code, at).map(drop))
        .await
        .map_err(|e| e.kind().1.to_owned())
}

#[tokio::test]
async fn codes_hold_for_the_window_and_then_expire() {
    let app = TestApp::spawn().await;
    let card = card_of_new_member(&app, "13800003001", 31).await;
    // A fixed instant at the start of a step, so "t + 30 s" is exactly the next step.
    let t = Utc
        .timestamp_opt(step_at(Utc::now().timestamp()) * 30, 0)
        .unwrap();
    let code = code_at(&app, &card, t);
    assert_eq!(check(&app, &code, t).await, Ok(()));
    assert_eq!(
        check(&app, &code, t + Duration::seconds(30)).await,
        Ok(()),
        "one step late still counts"
    );
    assert_eq!(
        check(&app, &code, t - Duration::seconds(30)).await,
        Ok(()),
        "one step early (clock skew)"
    );
    assert_eq!(
        check(&app, &code, t + Duration::seconds(90)).await,
        Err("code.expired".into())
    );
    let mut forged = code.clone();
    forged.replace_range(
        16..,
        if &code[16..] == "000000" {
            "000001"
        } else {
            "000000"
        },
    );
    assert_eq!(check(&app, &forged, t).await, Err("code.invalid".into()));

    assert_eq!(app.spend_code(&code, t).await, Ok(()));
    assert_eq!(
        check(&app, &code, t + Duration::seconds(10)).await,
        Err("code.used".into())
    );
    assert_eq!(
        app.spend_code(&code, t + Duration::seconds(10)).await,
        Err("code.used".into())
    );
}

#[tokio::test]
async fn a_code_races_to_exactly_one_spend() {
    let app = TestApp::spawn().await;
    let card = card_of_new_member(&app, "13800003002", 32).await;
    let now = Utc::now();
    let code = code_at(&app, &card, now);
    let spends = (0..20).map(|_| app.spend_code(&code, now));
    let results = futures_util::future::join_all(spends).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| r.as_ref().err().map(String::as_str) == Some("code.used"))
    );
    let bad = app.get("/api/v1/me/card/code").await;
    assert_eq!(problem(bad, 401).await["code"], "auth.token_missing");
}

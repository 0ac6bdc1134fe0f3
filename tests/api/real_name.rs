//! Real-name verification: the check digit, masking, encryption at rest, one account per ID.

use diesel::prelude::*;
use gangonghui_persistence::schema::accounts;
use serde_json::json;

use crate::helpers::{TestApp, logs, problem};

/// GB 11643-1999's worked example, and a second valid number.
const ID_A: &str = "11010519491231002X";
const ID_B: &str = "360102199003071236";

#[tokio::test]
async fn verified_ids_are_masked_encrypted_and_never_logged() {
    let app = TestApp::spawn().await;
    let session = app.register("13500000001").await;
    let before: serde_json::Value = app
        .get_as("/api/v1/me", &session.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        before["real_name_verified"], false,
        "and now the profile is cached"
    );
    let response = app
        .client
        .put(app.url("/api/v1/me/real-name"))
        .bearer_auth(&session.access)
        .json(&json!({ "legal_name": "王小明", "id_number": ID_A }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(!body.contains(ID_A), "{body}");
    let profile: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(profile["real_name_verified"], true);
    assert_eq!(profile["id_number"], "1101**********002X");
    let after: serde_json::Value = app
        .get_as("/api/v1/me", &session.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after, profile,
        "the cached profile follows the change at once"
    );

    let (stored_id, stored_name): (Option<String>, Option<String>) = {
        let mut conn = app.state.db.get().unwrap();
        accounts::table
            .find(&session.account_id)
            .select((accounts::id_number_enc, accounts::legal_name_enc))
            .first(&mut *conn)
            .unwrap()
    };
    assert!(stored_id.is_some_and(|s| !s.contains(ID_A) && !s.contains("110105")));
    assert!(stored_name.is_some_and(|s| !s.contains("王小明")));

    let again = app
        .client
        .put(app.url("/api/v1/me/real-name"))
        .bearer_auth(&session.access)
        .json(&json!({ "legal_name": "王小明", "id_number": ID_B }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(again, 409).await["code"], "member.real_name_locked");
    assert!(
        !logs().contains(ID_A) && !logs().contains(ID_B),
        "a full ID number reached the log"
    );
}

#[tokio::test]
async fn one_id_number_verifies_one_account() {
    let app = TestApp::spawn().await;
    let first = app.register("13500000002").await;
    let second = app.register("13500000003").await;
    let form = json!({ "legal_name": "李四", "id_number": ID_B });
    let ok = app
        .client
        .put(app.url("/api/v1/me/real-name"))
        .bearer_auth(&first.access)
        .json(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let taken = app
        .client
        .put(app.url("/api/v1/me/real-name"))
        .bearer_auth(&second.access)
        .json(&form)
        .send()
        .await
        .unwrap();
    let refused = problem(taken, 409).await;
    assert_eq!(refused["code"], "member.identity_review");
    // Neutral: no word of another account, and the second account stays unverified.
    assert!(
        !refused.to_string().contains(&first.account_id),
        "{refused}"
    );
    let me: serde_json::Value = app
        .get_as("/api/v1/me", &second.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["real_name_verified"], false);
    // The claim reaches officers as a dispute, committed with the refusal.
    let disputes: Vec<(Option<String>, String)> = {
        use diesel::prelude::*;
        use gangonghui_persistence::schema::audit_events::dsl::*;
        let mut conn = app.state.db.get().unwrap();
        audit_events
            .filter(action.eq("identity.dispute"))
            .select((actor_id, detail))
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    assert_eq!(disputes[0].0.as_deref(), Some(second.account_id.as_str()));
    assert!(disputes[0].1.contains(&first.account_id));
}

/// Each attempt says something about an ID number: an account gets five a day, then 429.
#[tokio::test]
async fn real_name_attempts_are_limited_per_account() {
    let app = TestApp::spawn().await;
    let prober = app.register("13500000009").await;
    let put = |seq: u32| {
        app.client
            .put(app.url("/api/v1/me/real-name"))
            .bearer_auth(&prober.access)
            .json(&json!({ "legal_name": "试探", "id_number": crate::helpers::resident_id(seq) }))
            .send()
    };
    let burst = futures_util::future::join_all((900..912).map(put)).await;
    let statuses: Vec<u16> = burst
        .iter()
        .map(|r| r.as_ref().unwrap().status().as_u16())
        .collect();
    // One succeeds (and locks the name: 409 after), at most five are judged, the rest are 429.
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(limited, 7, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn an_invalid_id_number_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let session = app.register("13500000004").await;
    for (id, reason) in [
        ("110105194912310021", "id_number_check"),
        ("11010519491331002X", "id_number_birth_date"),
        ("1101051949", "id_number_format"),
    ] {
        let response = app
            .client
            .put(app.url("/api/v1/me/real-name"))
            .bearer_auth(&session.access)
            .json(&json!({ "legal_name": "王五", "id_number": id }))
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        assert!(
            !text.contains(id),
            "the answer echoes the ID number: {text}"
        );
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["status"], 422);
        assert_eq!(
            body["errors"],
            json!([{ "field": "id_number", "code": reason, "message": "取值无效" }])
        );
    }
    let profile: serde_json::Value = app
        .get_as("/api/v1/me", &session.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["real_name_verified"], false, "nothing was written");
    assert!(!logs().contains("110105194912310021"));
}

/// Two accounts claiming one ID at the same moment: one verifies it, the other is sent to the
/// review (never a 500 from the unique index).
#[tokio::test]
async fn two_accounts_racing_for_one_id_get_one_verification() {
    let app = TestApp::spawn().await;
    let accounts = [
        app.register("13500000011").await,
        app.register("13500000012").await,
        app.register("13500000013").await,
    ];
    let form = json!({ "legal_name": "抢注", "id_number": crate::helpers::resident_id(911) });
    let claims = accounts.iter().map(|a| {
        app.client
            .put(app.url("/api/v1/me/real-name"))
            .bearer_auth(&a.access)
            .json(&form)
            .send()
    });
    let answers = futures_util::future::join_all(claims).await;
    let mut statuses: Vec<u16> = answers
        .iter()
        .map(|r| r.as_ref().unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409]);
}

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
    assert_eq!(problem(taken, 409).await["code"], "member.id_number_taken");
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

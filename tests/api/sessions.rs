//! Accounts and sessions as the member app uses them: register, log in, refresh with rotation
//! and reuse detection, and every way a session ends.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, problem};

#[tokio::test]
async fn register_login_refresh_and_reuse_detection() {
    let app = TestApp::spawn().await;
    let registered = app.register("13800000001").await;
    let me: Value = app
        .get_as("/api/v1/me", &registered.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["phone"], "138****0001",
        "masked even to its owner in the profile"
    );
    assert_eq!(me["roles"], json!([{ "role": "member" }]));

    let session = app.login("13800000001", "Pixel 8").await;
    assert_eq!(app.me_status(&session.access).await, 200);

    let response = app
        .post(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": session.refresh }),
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let rotated: Value = response.json().await.unwrap();
    assert_ne!(rotated["refresh_token"], session.refresh.as_str());
    assert_eq!(
        rotated["session_id"],
        session.session_id.as_str(),
        "same session, new tokens"
    );
    let new_access = rotated["access_token"].as_str().unwrap();
    assert_eq!(app.me_status(new_access).await, 200);

    // The spent token comes back: someone copied it. The whole session ends.
    let reuse = app
        .post(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": session.refresh }),
            None,
        )
        .await;
    assert_eq!(problem(reuse, 401).await["code"], "auth.refresh_reused");
    assert_eq!(app.me_status(new_access).await, 401, "the session is gone");
    let next = app
        .post(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": rotated["refresh_token"] }),
            None,
        )
        .await;
    assert_eq!(problem(next, 401).await["code"], "auth.refresh_invalid");
    // Other sessions of the account are untouched.
    assert_eq!(app.me_status(&registered.access).await, 200);
}

#[tokio::test]
async fn of_two_simultaneous_refreshes_one_wins_and_the_session_ends() {
    let app = TestApp::spawn().await;
    let session = app.register("13800000002").await;
    let body = json!({ "refresh_token": session.refresh });
    let (a, b) = tokio::join!(
        app.post("/api/v1/auth/refresh", &body, None),
        app.post("/api/v1/auth/refresh", &body, None)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401], "exactly one rotation succeeds");
    let winner: Value = if a.status().is_success() {
        a.json().await.unwrap()
    } else {
        b.json().await.unwrap()
    };
    // The loser presented a spent token: treated as reuse, so the winner's pair dies too.
    assert_eq!(
        app.me_status(winner["access_token"].as_str().unwrap())
            .await,
        401
    );
}

#[tokio::test]
async fn logout_ends_the_access_token_at_once() {
    let app = TestApp::spawn().await;
    let session = app.register("13800000003").await;
    assert_eq!(
        app.me_status(&session.access).await,
        200,
        "warm the session cache"
    );
    let response = app
        .post("/api/v1/auth/logout", &json!({}), Some(&session.access))
        .await;
    assert_eq!(response.status().as_u16(), 204);
    let body = problem(app.get_as("/api/v1/me", &session.access).await, 401).await;
    assert_eq!(body["code"], "auth.session_ended");
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": session.refresh }),
            None,
        )
        .await;
    assert_eq!(refresh.status().as_u16(), 401);
}

#[tokio::test]
async fn logout_all_ends_every_session_and_sessions_list_devices() {
    let app = TestApp::spawn().await;
    app.register("13800000004").await;
    let phone = app.login("13800000004", "iPhone 15").await;
    let tablet = app.login("13800000004", "MatePad").await;

    let list: Value = app
        .get_as("/api/v1/me/sessions", &phone.access)
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let devices: Vec<&str> = items.iter().filter_map(|s| s["device"].as_str()).collect();
    assert!(
        devices.contains(&"iPhone 15") && devices.contains(&"MatePad"),
        "{devices:?}"
    );
    let current: Vec<&Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], phone.session_id.as_str());
    assert!(list["next_cursor"].is_null());

    let response = app
        .post("/api/v1/auth/logout-all", &json!({}), Some(&tablet.access))
        .await;
    assert_eq!(response.status().as_u16(), 204);
    for token in [&phone.access, &tablet.access] {
        assert_eq!(app.me_status(token).await, 401);
    }
}

#[tokio::test]
async fn a_session_can_be_ended_only_by_its_own_account() {
    let app = TestApp::spawn().await;
    let alice = app.register("13800000005").await;
    let alice_tablet = app.login("13800000005", "tablet").await;
    let mallory = app.register("13800000006").await;

    let foreign = app
        .client
        .delete(app.url(&format!("/api/v1/me/sessions/{}", alice_tablet.session_id)))
        .bearer_auth(&mallory.access)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(foreign, 404).await["code"], "not_found");
    assert_eq!(app.me_status(&alice_tablet.access).await, 200);

    let own = app
        .client
        .delete(app.url(&format!("/api/v1/me/sessions/{}", alice_tablet.session_id)))
        .bearer_auth(&alice.access)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 204);
    assert_eq!(app.me_status(&alice_tablet.access).await, 401);
    assert_eq!(app.me_status(&alice.access).await, 200);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let here = app.register("13800000007").await;
    let elsewhere = app.login("13800000007", "old phone").await;
    let wrong = app
        .client
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&here.access)
        .json(&json!({ "current_password": "not-it-123", "new_password": "newpass2027" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(wrong, 403).await["code"],
        "auth.current_password_incorrect"
    );
    let changed = app
        .client
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&here.access)
        .json(&json!({ "current_password": PASSWORD, "new_password": "newpass2027" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 204);
    assert_eq!(
        app.me_status(&here.access).await,
        200,
        "the session that changed it stays"
    );
    assert_eq!(app.me_status(&elsewhere.access).await, 401);
    let old = app
        .post(
            "/api/v1/auth/login",
            &json!({ "phone": "13800000007", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(problem(old, 401).await["code"], "auth.invalid_credentials");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_phones_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.register("13800000008").await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            &json!({ "phone": "13800000008", "password": "wrongpass1" }),
            None,
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            &json!({ "phone": "13800000009", "password": "wrongpass1" }),
            None,
        )
        .await;
    let (wrong, unknown) = (problem(wrong, 401).await, problem(unknown, 401).await);
    assert_eq!(
        (wrong["code"].clone(), wrong["detail"].clone()),
        (unknown["code"].clone(), unknown["detail"].clone())
    );
}

#[tokio::test]
async fn registering_a_taken_phone_is_a_conflict() {
    let app = TestApp::spawn().await;
    // An operator created from the command line already holds the phone.
    let phone = gangonghui_domain::Phone::parse("13800000010").unwrap();
    let password = gangonghui_domain::account::NewPassword::parse(PASSWORD).ok();
    let org = gangonghui_api::auth::operators::OrgRef::Division("360100".into());
    gangonghui_api::auth::operators::create_or_promote(
        &app.state,
        phone,
        password,
        gangonghui_domain::Role::UnionAdmin,
        org,
        None,
    )
    .await
    .unwrap();
    let code = app.request_code("13800000010", "register").await;
    let body = json!({ "phone": "13800000010", "otp": code, "password": PASSWORD, "display_name": "又一个" });
    let response = app.post("/api/v1/auth/register", &body, None).await;
    assert_eq!(problem(response, 409).await["code"], "auth.phone_taken");
}

#[tokio::test]
async fn a_register_form_gets_every_field_error_at_once() {
    let app = TestApp::spawn().await;
    let body = json!({ "phone": "12345", "otp": "12ab", "password": "short", "display_name": " " });
    let response = app.post("/api/v1/auth/register", &body, None).await;
    let body = problem(response, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["display_name", "otp", "password", "phone"]);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_phone_for_a_while() {
    let app = TestApp::spawn().await;
    app.register("13800000011").await;
    for _ in 0..10 {
        let wrong = app
            .post(
                "/api/v1/auth/login",
                &json!({ "phone": "13800000011", "password": "guess12345" }),
                None,
            )
            .await;
        assert_eq!(wrong.status().as_u16(), 401);
    }
    let locked = app
        .post(
            "/api/v1/auth/login",
            &json!({ "phone": "13800000011", "password": PASSWORD }),
            None,
        )
        .await;
    assert!(locked.headers().contains_key("retry-after"));
    assert_eq!(
        problem(locked, 429).await["code"],
        "rate_limited",
        "even the right password waits"
    );
}

#[tokio::test]
async fn identity_headers_from_outside_are_never_trusted() {
    let app = TestApp::spawn().await;
    let member = app.register("13800000012").await;
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-wx-openid", "someone-elses-openid")
        .header("x-user-id", &member.account_id)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response, 401).await["code"], "auth.token_missing");
}

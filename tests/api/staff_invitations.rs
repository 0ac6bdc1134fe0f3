//! Staff invitations (issue 12, finding #4): the owner's invitation tells the owner nothing about
//! the number, and the account of that number makes itself staff by accepting in time, or
//! declines. Who may do what, and races: `staff_invitation_guards`.

use chrono::{DateTime, Duration, Utc};
use gangonghui_domain::totp::step_at;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, code_for, credit_code, id_of, members_with_cards, merchant, problem, shop, staff_role,
};

fn days_open(invitation: &Value) -> i64 {
    let at =
        |field: &str| DateTime::parse_from_rfc3339(invitation[field].as_str().unwrap()).unwrap();
    (at("expires_at") - at("created_at")).num_days()
}

#[tokio::test]
async fn an_invitation_tells_the_owner_nothing_about_the_number() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000801", "360100").await;
    let (owner, _) = merchant(&app, &admin, "13800008001", &credit_code(801)).await;
    // Every number below masks to 138****8010: only the number's account could tell them apart.
    let (rival, _) = merchant(&app, &admin, "13844448010", &credit_code(802)).await;
    app.register("13811118010").await;
    let rivals_cashier = app.register("13822228010").await;
    app.hire(&rival, &rivals_cashier, "13822228010").await;

    let mut answers = Vec::new();
    // No account; a member; a rival's cashier; a rival's owner.
    for phone in ["13833338010", "13811118010", "13822228010", "13844448010"] {
        let response = app.invite(&owner, phone).await;
        let status = response.status().as_u16();
        let mut headers: Vec<String> = response.headers().keys().map(|k| k.to_string()).collect();
        headers.sort();
        let content_type = response.headers()["content-type"].clone();
        let text = response.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(days_open(&body), 7);
        // Byte for byte, apart from the invitation's own id and times.
        let mut text = text;
        for field in ["id", "created_at", "expires_at"] {
            text = text.replace(body[field].as_str().unwrap(), field);
        }
        answers.push((status, content_type, headers, text));
    }
    assert_eq!(answers[0].0, 202);
    assert_eq!(
        answers[0].3,
        r#"{"id":"id","phone":"138****8010","created_at":"created_at","expires_at":"expires_at"}"#
    );
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:#?}");

    let items = app.open_invitations(&owner).await;
    assert_eq!(items.len(), 4);
    for item in &items {
        let mut fields: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(fields, ["created_at", "expires_at", "id", "phone"]);
        assert_eq!(item["phone"], "138****8010");
    }
    let again = app.invite(&owner, "13811118010").await;
    assert_eq!(again.status().as_u16(), 202);
    let again = id_of(again).await;
    assert!(
        items.iter().any(|i| i["id"] == again.as_str()),
        "re-inviting makes no second invitation"
    );
}

#[tokio::test]
async fn an_invited_account_accepts_and_works_the_counter_at_once() {
    let app = TestApp::spawn().await;
    let (owner, union) = shop(&app).await;
    let card = members_with_cards(&app, &union, 1).await.remove(0);
    let cashier = app.register("13800008101").await;
    let id = id_of(app.invite(&owner, "13800008101").await).await;
    let verify = || async {
        let code = code_for(&app, &card, step_at(Utc::now().timestamp()));
        let body = json!({ "code": code });
        app.post(
            "/api/v1/merchant/verifications",
            &body,
            Some(&cashier.access),
        )
        .await
    };
    assert_eq!(problem(verify().await, 403).await["code"], "auth.forbidden");

    let mine = app.my_invitations(&cashier).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0]["id"].as_str(), &mine[0]["status"]),
        (Some(id.as_str()), &json!("pending"))
    );
    assert_eq!(mine[0]["merchant_name"], "核销测试店");
    assert_eq!(days_open(&mine[0]), 7);
    let accepted = app.answer_invitation(&cashier, &id, "accept").await;
    assert_eq!(accepted.status().as_u16(), 200);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(
        (&accepted["status"], &accepted["merchant_name"]),
        (&json!("accepted"), &json!("核销测试店"))
    );

    let verified = verify().await;
    assert_eq!(
        verified.status().as_u16(),
        200,
        "staff at once, without logging in again"
    );
    assert_eq!(
        verified.json::<Value>().await.unwrap()["card_status"],
        "active"
    );
    let staff = app.staff_of(&cashier).await;
    assert_eq!(staff, [staff_role(&accepted["merchant_id"])]);
    assert!(app.my_invitations(&cashier).await.is_empty());
    let open = app.open_invitations(&owner).await;
    assert_eq!(
        open,
        Vec::<Value>::new(),
        "an accepted invitation is no longer open"
    );
    assert_eq!(
        app.invitation_audit(&id).await,
        [
            (
                "staff_invitation.create".to_owned(),
                owner.account_id.clone()
            ),
            (
                "staff_invitation.accept".to_owned(),
                cashier.account_id.clone()
            ),
        ]
    );
}

#[tokio::test]
async fn a_declined_invitation_stays_declined_and_the_owner_is_not_told() {
    let app = TestApp::spawn().await;
    let (owner, _) = shop(&app).await;
    let member = app.register("13800008201").await;
    let id = id_of(app.invite(&owner, "13800008201").await).await;
    let declined = app.answer_invitation(&member, &id, "decline").await;
    assert_eq!(declined.status().as_u16(), 204);
    assert!(app.my_invitations(&member).await.is_empty());
    for answer in ["accept", "decline"] {
        let again = app.answer_invitation(&member, &id, answer).await;
        assert_eq!(
            problem(again, 409).await["code"],
            "staff_invitation.closed",
            "{answer}"
        );
    }
    assert_eq!(
        problem(
            app.get_as("/api/v1/merchant/staff", &member.access).await,
            403
        )
        .await["code"],
        "auth.forbidden"
    );

    let open = app.open_invitations(&owner).await;
    assert_eq!(
        open[0]["id"],
        id.as_str(),
        "a decline looks pending to the owner"
    );
    assert_eq!(
        id_of(app.invite(&owner, "13800008201").await).await,
        id,
        "and is answered again"
    );
    let revoke = |id: String| {
        let request = app
            .client
            .delete(app.url(&format!("/api/v1/merchant/staff-invitations/{id}")));
        request.bearer_auth(&owner.access).send()
    };
    assert_eq!(revoke(id.clone()).await.unwrap().status().as_u16(), 204);
    assert_eq!(
        problem(revoke(id.clone()).await.unwrap(), 409).await["code"],
        "staff_invitation.closed"
    );
    let fresh = id_of(app.invite(&owner, "13800008201").await).await;
    assert_ne!(fresh, id);
    assert_eq!(app.my_invitations(&member).await[0]["id"], fresh.as_str());
    let actions = app.invitation_actions(&id).await;
    assert_eq!(
        actions,
        [
            "staff_invitation.create",
            "staff_invitation.decline",
            "staff_invitation.revoke"
        ]
    );
}

#[tokio::test]
async fn an_invitation_expires_after_seven_days() {
    let app = TestApp::spawn().await;
    let (owner, _) = shop(&app).await;
    let member = app.register("13800008301").await;
    let id = id_of(app.invite(&owner, "13800008301").await).await;
    // A minute before the end it is still open; a minute after, expired.
    let clock = &app.state.clock;
    clock.advance(Duration::days(7) - Duration::minutes(1));
    assert_eq!(app.my_invitations(&member).await.len(), 1);
    clock.advance(Duration::minutes(2));
    assert!(app.my_invitations(&member).await.is_empty());
    let late = app.answer_invitation(&member, &id, "accept").await;
    assert_eq!(problem(late, 409).await["code"], "staff_invitation.expired");
    let open = app.open_invitations(&owner).await;
    assert!(open.is_empty());

    let fresh = id_of(app.invite(&owner, "13800008301").await).await;
    assert_ne!(
        fresh, id,
        "an expired invitation frees the number for a new one"
    );
    assert_eq!(
        app.answer_invitation(&member, &fresh, "accept")
            .await
            .status()
            .as_u16(),
        200
    );
}

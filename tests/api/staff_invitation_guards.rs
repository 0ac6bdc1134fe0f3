//! Staff invitations: who may invite, see and answer; one merchant per staff account; the limit
//! on open invitations; and racing answers, of which exactly one lands.

use futures_util::FutureExt;
use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{
    TestApp, credit_code, id_of, merchant, new_pos_key, problem, shop, staff_role,
};

#[tokio::test]
async fn only_the_invited_account_sees_and_answers_its_invitation() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000802", "360100").await;
    let (owner, _) = merchant(&app, &admin, "13800008401", &credit_code(841)).await;
    let (other_owner, _) = merchant(&app, &admin, "13800008402", &credit_code(842)).await;
    let invited = app.register("13800008403").await;
    let someone = app.register("13800008404").await;
    let id = id_of(app.invite(&owner, "13800008403").await).await;

    assert!(app.my_invitations(&someone).await.is_empty());
    for (who, id) in [
        (&someone, id.as_str()),
        (&invited, "0190e7a4-0000-7000-8000-000000000000"),
    ] {
        for answer in ["accept", "decline"] {
            let refused = app.answer_invitation(who, id, answer).await;
            assert_eq!(
                problem(refused, 404).await["code"],
                "staff_invitation.not_found"
            );
        }
    }
    let foreign = app
        .client
        .delete(app.url(&format!("/api/v1/merchant/staff-invitations/{id}")));
    let foreign = foreign
        .bearer_auth(&other_owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(foreign, 404).await["code"],
        "staff_invitation.not_found"
    );
    let theirs = app.open_invitations(&other_owner).await;
    assert!(theirs.is_empty());
    assert_eq!(
        app.my_invitations(&invited).await[0]["id"],
        id.as_str(),
        "still open for its account"
    );
}

#[tokio::test]
async fn only_the_owner_invites_lists_and_revokes() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000803", "360100").await;
    let (owner, _) = merchant(&app, &admin, "13800008501", &credit_code(851)).await;
    let cashier = app.register("13800008502").await;
    app.hire(&owner, &cashier, "13800008502").await;
    let id = id_of(app.invite(&owner, "13800008503").await).await;
    let (_, pos_key) = new_pos_key(&app, &owner, "收银台 1 号").await;
    let bearer = format!("Bearer {}", cashier.access);
    let path = format!("/api/v1/merchant/staff-invitations/{id}");
    for (header, value) in [("authorization", bearer.as_str()), ("x-api-key", &pos_key)] {
        let invite = app.client.post(app.url("/api/v1/merchant/staff"));
        let invite = invite.json(&json!({ "phone": "13800008504" }));
        let list = app
            .client
            .get(app.url("/api/v1/merchant/staff-invitations"));
        for request in [invite, list, app.client.delete(app.url(&path))] {
            let refused = request.header(header, value).send().await.unwrap();
            assert_eq!(
                problem(refused, 403).await["code"],
                "merchant.owner_only",
                "{header}"
            );
        }
    }
    let member = app.register("13800008505").await;
    let refused = app.invite(&member, "13800008504").await;
    assert_eq!(problem(refused, 403).await["code"], "auth.forbidden");
    let open = app.open_invitations(&owner).await;
    assert_eq!(open.len(), 1, "{open:?}");
}

#[tokio::test]
async fn staff_of_another_merchant_accept_only_once_they_have_left_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000804", "360100").await;
    let (first, first_id) = merchant(&app, &admin, "13800008601", &credit_code(861)).await;
    let (second, second_id) = merchant(&app, &admin, "13800008602", &credit_code(862)).await;
    let cashier = app.register("13800008603").await;
    app.hire(&first, &cashier, "13800008603").await;
    let id = id_of(app.invite(&second, "13800008603").await).await;

    let refused = app.answer_invitation(&cashier, &id, "accept").await;
    assert_eq!(
        problem(refused, 409).await["code"],
        "merchant.staff_elsewhere"
    );
    assert_eq!(app.staff_of(&cashier).await, [staff_role(&json!(first_id))]);
    assert_eq!(
        app.my_invitations(&cashier).await[0]["id"],
        id.as_str(),
        "still open"
    );
    let leave = app
        .client
        .delete(app.url(&format!("/api/v1/merchant/staff/{}", cashier.account_id)));
    assert_eq!(
        leave
            .bearer_auth(&first.access)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        204
    );
    let accepted = app.answer_invitation(&cashier, &id, "accept").await;
    assert_eq!(accepted.status().as_u16(), 200);
    assert_eq!(
        app.staff_of(&cashier).await,
        [staff_role(&json!(second_id))]
    );
    let actions = app.invitation_actions(&id).await;
    assert_eq!(
        actions,
        ["staff_invitation.create", "staff_invitation.accept"]
    );
}

#[tokio::test]
async fn a_merchant_has_at_most_fifty_open_invitations() {
    let app = TestApp::spawn().await;
    let (owner, _) = shop(&app).await;
    let mut ids = Vec::new();
    for n in 0..50 {
        let invited = app.invite(&owner, &format!("1350000{n:04}")).await;
        assert_eq!(invited.status().as_u16(), 202);
        ids.push(id_of(invited).await);
    }
    let over = app.invite(&owner, "13500000050").await;
    assert_eq!(
        problem(over, 409).await["code"],
        "staff_invitation.limit_reached"
    );
    let again = app.invite(&owner, "13500000007").await;
    assert_eq!(
        id_of(again).await,
        ids[7],
        "an open invitation is answered again at the limit"
    );
    assert_eq!(
        app.revoke_invitation(&owner, &ids[0])
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(
        app.invite(&owner, "13500000050").await.status().as_u16(),
        202
    );
}

/// The invited account accepting and declining at once, then accepting while the owner revokes:
/// each time one answer lands and the rest are refused. (A decline and a revoke may both land:
/// the owner, never told of the decline, may still withdraw the invitation.)
#[tokio::test]
async fn of_racing_answers_to_one_invitation_exactly_one_lands() {
    let app = TestApp::spawn().await;
    let (owner, _) = shop(&app).await;
    for (phone, rival) in [("13800008701", "decline"), ("13800008702", "revoke")] {
        let member = app.register(phone).await;
        let id = id_of(app.invite(&owner, phone).await).await;
        let racers = (0..30).map(|i| match (i % 2, rival) {
            (1, _) => app.answer_invitation(&member, &id, "accept").boxed_local(),
            (_, "decline") => app.answer_invitation(&member, &id, "decline").boxed_local(),
            _ => app.revoke_invitation(&owner, &id).boxed_local(),
        });
        let mut landed = Vec::new();
        for answer in join_all(racers).await {
            if answer.status().is_success() {
                landed.push(answer.status().as_u16());
            } else {
                assert_eq!(
                    problem(answer, 409).await["code"],
                    "staff_invitation.closed"
                );
            }
        }
        assert_eq!(landed.len(), 1, "{rival}: {landed:?}");
        let audit = app.invitation_audit(&id).await;
        assert_eq!(audit.len(), 2, "{audit:?}");
        let accepted = audit[1].0 == "staff_invitation.accept";
        assert_eq!(app.staff_of(&member).await.len(), usize::from(accepted));
    }
}

#[tokio::test]
async fn of_racing_acceptances_for_several_merchants_exactly_one_lands() {
    let app = TestApp::spawn().await;
    let admin = app.admin("13900000805", "360100").await;
    let member = app.register("13800008800").await;
    let mut ids = Vec::new();
    for n in 1..=6 {
        let phone = format!("1380000880{n}");
        let (owner, _) = merchant(&app, &admin, &phone, &credit_code(880 + n)).await;
        ids.push(id_of(app.invite(&owner, "13800008800").await).await);
    }
    let racers = ids
        .iter()
        .map(|id| app.answer_invitation(&member, id, "accept"));
    let mut accepted = 0;
    for answer in join_all(racers).await {
        if answer.status().as_u16() == 200 {
            accepted += 1;
        } else {
            assert_eq!(
                problem(answer, 409).await["code"],
                "merchant.staff_elsewhere"
            );
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(
        app.staff_of(&member).await.len(),
        1,
        "a staff account belongs to one merchant"
    );
    assert_eq!(app.my_invitations(&member).await.len(), ids.len() - 1);
}

//! Merchants as their people make them: a business applies and an admin approves; the owner
//! invites a number to the staff, and the account of that number lists and answers its
//! invitations.

use reqwest::Response;
use serde_json::{Value, json};

use super::app::{Session, TestApp};

/// A valid unified social credit code (GB 32100 check character), distinct per `n`.
pub fn credit_code(n: u32) -> String {
    let body = format!("9136010{:010}", n);
    let check = gangonghui_domain::credit_code::check_character(body.as_bytes()).unwrap() as char;
    format!("{body}{check}")
}

pub fn application(name: &str, credit: &str, lat: f64, lng: f64) -> Value {
    json!({
        "name": name, "credit_code": credit, "category": "dining", "division_code": "360102",
        "address": "南昌市东湖区八一大道 1 号", "lat": lat, "lng": lng, "contact_phone": "13800009999"
    })
}

/// An approved merchant in Nanchang: (owner session, merchant id).
pub async fn merchant(
    app: &TestApp,
    admin: &Session,
    owner_phone: &str,
    credit: &str,
) -> (Session, String) {
    let owner = app.register(owner_phone).await;
    let response = app
        .post(
            "/api/v1/merchant-applications",
            &application("老表家常菜", credit, 28.68, 115.86),
            Some(&owner.access),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approved = app
        .post(
            &format!("/api/v1/admin/merchant-applications/{id}/approve"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(approved.status().as_u16(), 200);
    let body: Value = approved.json().await.unwrap();
    (owner, body["merchant"]["id"].as_str().unwrap().to_owned())
}

impl TestApp {
    /// The owner invites `phone` to the staff: the raw answer.
    pub async fn invite(&self, owner: &Session, phone: &str) -> Response {
        self.post(
            "/api/v1/merchant/staff",
            &json!({ "phone": phone }),
            Some(&owner.access),
        )
        .await
    }

    /// The invitations the account may still answer (the `items` of the first page).
    pub async fn my_invitations(&self, account: &Session) -> Vec<Value> {
        let response = self
            .get_as("/api/v1/me/staff-invitations", &account.access)
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }

    /// `accept` or `decline` an invitation as `account`: the raw answer.
    pub async fn answer_invitation(&self, account: &Session, id: &str, answer: &str) -> Response {
        self.post(
            &format!("/api/v1/me/staff-invitations/{id}/{answer}"),
            &json!({}),
            Some(&account.access),
        )
        .await
    }

    /// The owner invites the account of `phone`, which accepts: it is staff from its next request.
    pub async fn hire(&self, owner: &Session, staff: &Session, phone: &str) {
        let invited = self.invite(owner, phone).await;
        assert_eq!(invited.status().as_u16(), 202);
        let id = id_of(invited).await;
        let mine = self.my_invitations(staff).await;
        assert!(mine.iter().any(|i| i["id"] == id.as_str()), "{mine:?}");
        let accepted = self.answer_invitation(staff, &id, "accept").await;
        assert_eq!(
            accepted.status().as_u16(),
            200,
            "{:?}",
            accepted.text().await
        );
    }
}

impl TestApp {
    /// The audit trail of one invitation: (action, actor id), oldest first.
    pub async fn invitation_audit(&self, id: &str) -> Vec<(String, String)> {
        let id = id.to_owned();
        let events = self
            .state
            .db(move |conn| {
                Ok(gangonghui_persistence::audit::for_target(
                    conn,
                    "staff_invitation",
                    &id,
                )?)
            })
            .await
            .unwrap();
        events
            .into_iter()
            .map(|e| (e.action, e.actor_id.map(String::from).unwrap_or_default()))
            .collect()
    }

    /// The actions of one invitation's audit trail, oldest first.
    pub async fn invitation_actions(&self, id: &str) -> Vec<String> {
        let audit = self.invitation_audit(id).await;
        audit.into_iter().map(|(action, _)| action).collect()
    }

    /// The invitations the owner sees open (the `items` of the first page).
    pub async fn open_invitations(&self, owner: &Session) -> Vec<Value> {
        let response = self
            .get_as("/api/v1/merchant/staff-invitations", &owner.access)
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }

    /// The account's merchant staff roles, by `GET /me`.
    pub async fn staff_of(&self, account: &Session) -> Vec<Value> {
        let me: Value = self
            .get_as("/api/v1/me", &account.access)
            .await
            .json()
            .await
            .unwrap();
        let roles = me["roles"].as_array().unwrap().iter();
        roles
            .filter(|r| r["role"] == "merchant_staff")
            .cloned()
            .collect()
    }
}

/// The `id` of an answer's JSON body.
pub async fn id_of(response: Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

impl TestApp {
    /// The owner revokes an invitation: the raw answer.
    pub async fn revoke_invitation(&self, owner: &Session, id: &str) -> Response {
        let path = format!("/api/v1/merchant/staff-invitations/{id}");
        let request = self.client.delete(self.url(&path));
        request.bearer_auth(&owner.access).send().await.unwrap()
    }
}

/// A staff role at `merchant_id`, not its owner, as `GET /me` lists it.
pub fn staff_role(merchant_id: &Value) -> Value {
    json!({ "role": "merchant_staff", "merchant_id": merchant_id, "owner": false })
}

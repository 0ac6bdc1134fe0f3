//! Staff invitations as the clients make them: the owner invites a number, the account of that
//! number lists its invitations and answers one.

use reqwest::Response;
use serde_json::{Value, json};

use super::app::{Session, TestApp};

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
        let id = invited.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
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

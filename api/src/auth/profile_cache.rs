//! The profile `GET /me` shows, cached so the hottest authenticated read needs no database.
//!
//! Only what the profile shows is cached (masked phone and ID, never hashes or ciphertext).
//! Writers store the new profile after their commit (write-through), and fills never overwrite,
//! so a fill racing a write cannot leave the old profile behind.

use std::time::Duration;

use gangonghui_domain::Phone;
use gangonghui_domain::ids::{AccountId, OrgId};
use gangonghui_domain::membership::{LaborModelLevel, MembershipStatus};
use gangonghui_persistence::accounts::{self, AccountRow};
use gangonghui_persistence::memberships::{self, MembershipRow};
use serde::{Deserialize, Serialize};

use super::AuthError;
use crate::http::ApiError;
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: AccountId,
    pub phone_masked: String,
    pub display_name: String,
    pub real_name_verified: bool,
    pub id_number_masked: Option<String>,
    pub labor_model_level: LaborModelLevel,
    pub hardship: bool,
    /// `none` or `active`.
    pub membership_status: MembershipStatus,
    pub membership_org_id: Option<OrgId>,
}

impl Profile {
    pub fn new(a: &AccountRow, membership: Option<&MembershipRow>) -> Self {
        Profile {
            id: a.id.clone(),
            phone_masked: Phone::parse(&a.phone)
                .map(|p| p.masked())
                .unwrap_or_default(),
            display_name: a.display_name.clone(),
            real_name_verified: a.real_name_verified_at.is_some(),
            id_number_masked: a.id_number_masked.clone(),
            labor_model_level: a.labor_model_level,
            hardship: a.hardship,
            membership_status: membership.map_or(MembershipStatus::None, |m| m.status),
            membership_org_id: membership.map(|m| m.org_id.clone()),
        }
    }
}

fn from_db(
    conn: &mut gangonghui_persistence::DbConn,
    account_id: &AccountId,
) -> Result<Profile, ApiError> {
    let account = accounts::find_by_id(conn, account_id)?.ok_or(AuthError::SessionEnded)?;
    let membership = memberships::membership(conn, account_id)?;
    Ok(Profile::new(&account, membership.as_ref()))
}

fn key(account_id: &AccountId) -> String {
    format!("account:{account_id}")
}

pub async fn load(state: &AppState, account_id: &AccountId) -> Result<Profile, ApiError> {
    if let Ok(Some(raw)) = state.cache.get(&key(account_id)).await
        && let Ok(profile) = serde_json::from_str::<Profile>(&raw)
    {
        return Ok(profile);
    }
    let id = account_id.clone();
    let profile = state.db(move |conn| from_db(conn, &id)).await?;
    if let Ok(json) = serde_json::to_string(&profile) {
        let _ = state
            .cache
            .set_if_absent(&key(account_id), &json, TTL)
            .await;
    }
    Ok(profile)
}

/// Call after a committed change to what the profile shows: reads it back and writes it through.
pub async fn refresh(state: &AppState, account_id: &AccountId) -> Result<Profile, ApiError> {
    let id = account_id.clone();
    let profile = state.db(move |conn| from_db(conn, &id)).await?;
    if let Ok(json) = serde_json::to_string(&profile) {
        state
            .cache
            .set_eventually(&key(account_id), &json, TTL)
            .await;
    }
    Ok(profile)
}

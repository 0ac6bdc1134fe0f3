//! Benefit cards: issuing (collision-free numbers), the member's own actions (report lost,
//! replace) and admins' freeze and unfreeze within their scope.

use chrono::NaiveDateTime;
use gangonghui_domain::Role;
use gangonghui_domain::card::{
    CardEvent, CardNo, CardStatus, MAX_REPLACEMENTS, REPLACEMENT_WINDOW_DAYS,
};
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::ids::{AccountId, CardId};
use gangonghui_domain::org::{OrgLevel, in_subtree};
use gangonghui_persistence::cards::{self, CardRow, NewCard};
use gangonghui_persistence::{DbConn, ids, orgs, write_tx};
use rand::RngCore;

use crate::audit::{AuditEvent, RequestContext};
use crate::auth::{Authenticated, UnionAdmin};
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::membership::MemberError;
use crate::orgs::service::scope_path;
use crate::state::AppState;

/// Bytes of a card's TOTP secret (RFC 4226 recommends 160 bits).
const SECRET_LEN: usize = 20;

/// The 2-digit city of the unit at `org_path`: the division code of its city ancestor.
pub fn city_of(conn: &mut DbConn, org_path: &str) -> Result<u8, ApiError> {
    orgs::chain(conn, org_path)?
        .iter()
        .find(|o| o.level == OrgLevel::City)
        .and_then(|city| city.division_code.as_deref())
        .and_then(|code| DivisionCode::parse(code).ok()?.city())
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "org path {org_path} has no city with a division code"
            ))
        })
}

/// Issues a new active card inside the caller's transaction.
pub fn issue(
    conn: &mut DbConn,
    keys: &DataKeys,
    account_id: &AccountId,
    org_path: &str,
    now: NaiveDateTime,
) -> Result<CardRow, ApiError> {
    let city = city_of(conn, org_path)?;
    let serial = cards::take_serial(conn, i32::from(city))?;
    let (card_no, secret_enc) = mint(keys, city, serial)?;
    let id: CardId = ids::new_id();
    cards::insert(
        conn,
        &NewCard {
            id: &id,
            account_id,
            card_no: card_no.as_str(),
            status: CardStatus::Active,
            secret_enc: &secret_enc,
            org_path,
            issued_at: now,
            status_changed_at: now,
        },
    )?;
    Ok(cards::find(conn, &id)?.ok_or(diesel::result::Error::NotFound)?)
}

/// A new card's number (serial `serial` of `city`) and its fresh one-time-code secret,
/// encrypted for storage.
pub fn mint(keys: &DataKeys, city: u8, serial: i64) -> Result<(CardNo, String), ApiError> {
    let card_no = u64::try_from(serial)
        .ok()
        .and_then(|serial| CardNo::new(city, serial))
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("card serials of city {city} exhausted"))
        })?;
    let mut secret = [0u8; SECRET_LEN];
    rand::rng().fill_bytes(&mut secret);
    Ok((card_no, keys.encrypt(&hex::encode(secret))))
}

/// Applies `event` to `card` with a conditional update; a concurrent change makes it a conflict.
fn change(
    conn: &mut DbConn,
    card: &CardRow,
    event: CardEvent,
    now: NaiveDateTime,
) -> Result<CardStatus, ApiError> {
    let from = card.status;
    let to = from
        .apply(event)
        .map_err(|_| MemberError::CardInvalidTransition)?;
    if !cards::transition(conn, &card.id, from, to, now)? {
        return Err(MemberError::CardInvalidTransition.into());
    }
    Ok(to)
}

pub async fn my_card(state: &AppState, auth: &Authenticated) -> Result<CardRow, ApiError> {
    let account = auth.account_id.clone();
    state
        .db(move |conn| Ok(cards::live_for(conn, &account)?.ok_or(MemberError::CardNotFound)?))
        .await
}

pub async fn report_lost(
    state: &AppState,
    auth: &Authenticated,
    ctx: RequestContext,
) -> Result<CardRow, ApiError> {
    let now = state.clock.now();
    let account = auth.account_id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let card = cards::live_for(c, &account)?.ok_or(MemberError::CardNotFound)?;
                change(c, &card, CardEvent::ReportLost, now.naive_utc())?;
                AuditEvent::new("card.report_lost", "card", &card.id)
                    .by(&account, Role::Member)
                    .record(c, &ctx)?;
                Ok(cards::find(c, &card.id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await
}

/// Cancels the member's card and issues a new number. Of concurrent calls one wins; the others
/// find the card already cancelled and answer `card.invalid_transition`.
pub async fn replace(
    state: &AppState,
    auth: &Authenticated,
    ctx: RequestContext,
) -> Result<CardRow, ApiError> {
    let now = state.clock.now();
    let (account, keys) = (auth.account_id.clone(), state.data_keys.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let old = cards::live_for(c, &account)?.ok_or(MemberError::CardNotFound)?;
                let now = now.naive_utc();
                let since = now - chrono::Duration::days(REPLACEMENT_WINDOW_DAYS);
                // Two replacements at once both count the same; the conditional change of
                // the one live card below lets only one of them through.
                if cards::replaced_since(c, &account, since)? >= MAX_REPLACEMENTS {
                    return Err(MemberError::ReplacementLimit.into());
                }
                change(c, &old, CardEvent::Replace, now)?;
                let new = issue(c, &keys, &account, &old.org_path, now)?;
                AuditEvent::new("card.replace", "card", &new.id)
                    .by(&account, Role::Member)
                    .detail(serde_json::json!({ "replaces": old.id }))
                    .record(c, &ctx)?;
                Ok(new)
            })
        })
        .await
}

/// Freezes or unfreezes a card in the admin's subtree (404 outside it).
pub async fn admin_change(
    state: &AppState,
    admin: &UnionAdmin,
    card_id: CardId,
    event: CardEvent,
    ctx: RequestContext,
) -> Result<CardRow, ApiError> {
    let now = state.clock.now();
    let (admin_org, actor) = (admin.org_id.clone(), admin.auth.account_id.clone());
    let action = if event == CardEvent::Freeze {
        "card.freeze"
    } else {
        "card.unfreeze"
    };
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let scope = scope_path(c, &admin_org)?;
                let card = cards::find(c, &card_id)?
                    .filter(|card| in_subtree(&card.org_path, &scope))
                    .ok_or(MemberError::CardNotFound)?;
                change(c, &card, event, now.naive_utc())?;
                AuditEvent::new(action, "card", &card.id)
                    .by(&actor, Role::UnionAdmin)
                    .in_org(&admin_org)
                    .record(c, &ctx)?;
                Ok(cards::find(c, &card.id)?.ok_or(diesel::result::Error::NotFound)?)
            })
        })
        .await
}

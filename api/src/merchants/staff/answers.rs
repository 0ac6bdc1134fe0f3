//! Staff invitations, the invited account's side: an account sees and answers only the
//! invitations made to its own number (any other id is not found), and becomes staff only by
//! accepting, in the transaction that closes the invitation.

use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, MerchantId, StaffInvitationId};
use gangonghui_domain::staff_invitation::Move;
use gangonghui_persistence::error::is_unique_violation;
use gangonghui_persistence::merchants::invitations::{self, InvitationRow, Seen};
use gangonghui_persistence::{DbConn, accounts, merchants, write_tx};

use super::invitations::{phone_index, settle};
use crate::audit::RequestContext;
use crate::auth::{Authenticated, session_cache};
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::http::pagination::Keyset;
use crate::merchants::MerchantError;
use crate::state::AppState;

/// An invitation with the name of the merchant that made it.
pub type Offered = (InvitationRow, String);

/// One page of the invitations the caller's number may still answer.
pub async fn mine(
    state: &AppState,
    auth: &Authenticated,
    page: Keyset,
) -> Result<Vec<Offered>, ApiError> {
    let now = state.clock.now().naive_utc();
    let (keys, me) = (state.data_keys.clone(), auth.account_id.clone());
    state
        .db(move |conn| {
            let phone_index = &own_index(conn, &keys, &me)?;
            let (seen, after) = (Seen::ByInvitee { phone_index }, page.after_id());
            Ok(invitations::open_page(
                conn,
                seen,
                after.as_ref(),
                page.limit + 1,
                now,
            )?)
        })
        .await
}

/// Accepts: the caller joins the merchant's staff at once. An account already staff of another
/// merchant is refused (a staff account belongs to one merchant) and the invitation stays open.
pub async fn accept(
    state: &AppState,
    auth: &Authenticated,
    id: StaffInvitationId,
    ctx: RequestContext,
) -> Result<Offered, ApiError> {
    let offered = answer(state, auth, id, Move::Accept, ctx).await?;
    session_cache::roles_changed(state, &auth.account_id).await?;
    Ok(offered)
}

/// Declines; the owner keeps seeing the invitation open until it expires (see `OPEN_TO_OWNER`).
pub async fn decline(
    state: &AppState,
    auth: &Authenticated,
    id: StaffInvitationId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    answer(state, auth, id, Move::Decline, ctx).await.map(drop)
}

async fn answer(
    state: &AppState,
    auth: &Authenticated,
    id: StaffInvitationId,
    mv: Move,
    ctx: RequestContext,
) -> Result<Offered, ApiError> {
    let (keys, me) = (state.data_keys.clone(), auth.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let index = own_index(c, &keys, &me)?;
                let invitation = invitations::find(c, &id)?
                    .filter(|i| i.phone_index == index)
                    .ok_or(MerchantError::InvitationNotFound)?;
                settle(c, &invitation, mv, (&me, Role::Member), &ctx)?;
                if mv == Move::Accept {
                    join_staff(c, &invitation.merchant_id, &me, &ctx)?;
                }
                let merchant =
                    merchants::find(c, &invitation.merchant_id)?.ok_or(MerchantError::NotFound)?;
                let now = invitations::find(c, &id)?.ok_or(MerchantError::InvitationNotFound)?;
                Ok((now, merchant.name))
            })
        })
        .await
}

/// Makes the account staff of `merchant`; already its staff changes nothing.
fn join_staff(
    c: &mut DbConn,
    merchant: &MerchantId,
    account: &AccountId,
    ctx: &RequestContext,
) -> Result<(), ApiError> {
    match merchants::merchant_of(c, account)? {
        Some(current) if &current == merchant => Ok(()),
        Some(_) => Err(MerchantError::StaffElsewhere.into()),
        None => match merchants::add_staff(c, merchant, account, false, ctx.at.naive_utc()) {
            // Another acceptance by this account, for another merchant, committed in between:
            // the one-merchant unique index decides, as the check above would have.
            Err(e) if is_unique_violation(&e) => Err(MerchantError::StaffElsewhere.into()),
            other => other.map(drop).map_err(ApiError::from),
        },
    }
}

/// The blind index of the caller's own registered number.
fn own_index(c: &mut DbConn, keys: &DataKeys, me: &AccountId) -> Result<String, ApiError> {
    let account = accounts::find_by_id(c, me)?.ok_or(diesel::result::Error::NotFound)?;
    Ok(phone_index(keys, &account.phone))
}

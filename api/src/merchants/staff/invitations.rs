//! Staff invitations, the owner's side: invite a number, list and revoke. An invitation is made
//! the same way whatever the number: no account is looked up, so neither the answer nor the work
//! behind it can tell the owner whether the number has an account, its name, or whether it is
//! staff elsewhere. Only the account of that number can make itself staff, by accepting
//! (`super::answers`).

use gangonghui_domain::ids::{AccountId, StaffInvitationId};
use gangonghui_domain::staff_invitation::{self as rules, InvitationStatus, Move, NotOpen};
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::merchants::invitations::{self, InvitationRow, NewInvitation, Seen};
use gangonghui_persistence::{DbConn, ids, merchants, write_tx};

use crate::audit::{AuditEvent, RequestContext};
use crate::crypto::DataKeys;
use crate::http::ApiError;
use crate::http::pagination::Keyset;
use crate::merchants::{MerchantError, MerchantOwner};
use crate::state::AppState;

/// The keyed hash invitations are found by, under its own label so that it equals no other index
/// kept of the same number.
pub fn phone_index(keys: &DataKeys, phone: &str) -> String {
    keys.blind_index(&format!("staff_invitation/phone\0{phone}"))
}

/// Invites `phone` to the owner's staff. Inviting a number the owner still sees invited answers
/// that invitation again, so a retry makes no second one.
pub async fn invite(
    state: &AppState,
    owner: &MerchantOwner,
    phone: Phone,
    ctx: RequestContext,
) -> Result<InvitationRow, ApiError> {
    let now = state.clock.now();
    let index = phone_index(&state.data_keys, phone.as_str());
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let at = now.naive_utc();
                // Counting, then inserting: two invitations at once must take turns, or both
                // could pass the limit or both invite the same number.
                if !merchants::lock(c, &merchant)? {
                    return Err(MerchantError::NotFound.into());
                }
                invitations::expire_stale(c, &merchant, at)?;
                if let Some(open) = invitations::open_for_phone(c, &merchant, &index, at)? {
                    return Ok(open);
                }
                if invitations::count_open(c, &merchant, at)? >= rules::MAX_OPEN {
                    return Err(MerchantError::InvitationLimitReached.into());
                }
                let id: StaffInvitationId = ids::new_id();
                invitations::insert(
                    c,
                    &NewInvitation {
                        id: &id,
                        merchant_id: &merchant,
                        phone_index: &index,
                        phone_masked: &phone.masked(),
                        status: InvitationStatus::Pending,
                        invited_by: &actor,
                        created_at: at,
                        expires_at: rules::expires_at(now).naive_utc(),
                    },
                )?;
                AuditEvent::new("staff_invitation.create", "staff_invitation", &id)
                    .by(&actor, Role::MerchantStaff)
                    .detail(serde_json::json!({ "merchant_id": merchant }))
                    .record(c, &ctx)?;
                invitations::find(c, &id)?.ok_or_else(|| diesel::result::Error::NotFound.into())
            })
        })
        .await
}

/// One page of the invitations the owner still sees open.
pub async fn list(
    state: &AppState,
    owner: &MerchantOwner,
    page: Keyset,
) -> Result<Vec<InvitationRow>, ApiError> {
    let now = state.clock.now().naive_utc();
    let merchant = owner.0.merchant_id.clone();
    state
        .db(move |conn| {
            let (seen, after) = (Seen::ByOwner(&merchant), page.after_id());
            let rows = invitations::open_page(conn, seen, after.as_ref(), page.limit + 1, now)?;
            Ok(rows.into_iter().map(|(invitation, _)| invitation).collect())
        })
        .await
}

/// Withdraws an open invitation of the owner's merchant; another merchant's is not found.
pub async fn revoke(
    state: &AppState,
    owner: &MerchantOwner,
    id: StaffInvitationId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let (merchant, actor) = (owner.0.merchant_id.clone(), owner.0.account_id.clone());
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let invitation = invitations::find(c, &id)?
                    .filter(|i| i.merchant_id == merchant)
                    .ok_or(MerchantError::InvitationNotFound)?;
                settle(
                    c,
                    &invitation,
                    Move::Revoke,
                    (&actor, Role::MerchantStaff),
                    &ctx,
                )
            })
        })
        .await
}

/// Makes `mv` with one conditional update and records it. When another answer landed first (a
/// race), refuses as the invitation stands now.
pub(super) fn settle(
    c: &mut DbConn,
    invitation: &InvitationRow,
    mv: Move,
    (actor, role): (&AccountId, Role),
    ctx: &RequestContext,
) -> Result<(), ApiError> {
    let at = ctx.at.naive_utc();
    let refusal = |why: NotOpen| ApiError::from(MerchantError::from(why));
    mv.apply(invitation.status, invitation.expires_at, at)
        .map_err(refusal)?;
    if !invitations::advance(c, &invitation.id, mv.from(), mv.to(), actor, at)? {
        let now = invitations::find(c, &invitation.id)?.ok_or(MerchantError::InvitationNotFound)?;
        let why = mv.apply(now.status, now.expires_at, at).err();
        return Err(refusal(why.unwrap_or(NotOpen::Closed)));
    }
    let action = match mv {
        Move::Accept => "staff_invitation.accept",
        Move::Decline => "staff_invitation.decline",
        Move::Revoke => "staff_invitation.revoke",
    };
    AuditEvent::new(action, "staff_invitation", &invitation.id)
        .by(actor, role)
        .detail(serde_json::json!({ "merchant_id": invitation.merchant_id }))
        .record(c, ctx)?;
    Ok(())
}

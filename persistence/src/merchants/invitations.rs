//! Staff invitations, found by the invited number's blind index (the number itself is not
//! stored). Each answer is one conditional update, so of two racing answers exactly one lands.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, MerchantId, StaffInvitationId};
use gangonghui_domain::staff_invitation::{InvitationStatus, OPEN_TO_INVITEE, OPEN_TO_OWNER};

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::{merchants, staff_invitations as inv};

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct InvitationRow {
    #[diesel(deserialize_as = String)]
    pub id: StaffInvitationId,
    #[diesel(deserialize_as = String)]
    pub merchant_id: MerchantId,
    pub phone_index: String,
    pub phone_masked: String,
    #[diesel(deserialize_as = String)]
    pub status: InvitationStatus,
    #[diesel(deserialize_as = String)]
    pub invited_by: AccountId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptionalId)]
    pub decided_by: Option<AccountId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = inv)]
pub struct NewInvitation<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a StaffInvitationId,
    #[diesel(serialize_as = String)]
    pub merchant_id: &'a MerchantId,
    pub phone_index: &'a str,
    pub phone_masked: &'a str,
    #[diesel(serialize_as = String)]
    pub status: InvitationStatus,
    #[diesel(serialize_as = String)]
    pub invited_by: &'a AccountId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

fn texts(statuses: &[InvitationStatus]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

pub fn insert(conn: &mut DbConn, invitation: &NewInvitation<'_>) -> QueryResult<()> {
    diesel::insert_into(inv::table)
        .values(invitation.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &StaffInvitationId) -> QueryResult<Option<InvitationRow>> {
    inv::table
        .find(id.as_str())
        .select(inv::all_columns)
        .first(conn)
        .optional()
}

/// Marks the merchant's pending invitations that have expired `expired`, so their numbers can be
/// invited again (one pending invitation per number).
pub fn expire_stale(
    conn: &mut DbConn,
    merchant: &MerchantId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        inv::table
            .filter(inv::merchant_id.eq(merchant.as_str()))
            .filter(inv::status.eq(InvitationStatus::Pending.as_str()))
            .filter(inv::expires_at.le(now)),
    )
    .set(inv::status.eq(InvitationStatus::Expired.as_str()))
    .execute(conn)
}

/// Whose view of the open invitations: the merchant's owner sees those of the merchant that are
/// not yet accepted (see `OPEN_TO_OWNER`); the account of a number, those it may still answer.
#[derive(Debug, Clone, Copy)]
pub enum Seen<'a> {
    ByOwner(&'a MerchantId),
    ByInvitee { phone_index: &'a str },
}

/// The merchant's invitations that its owner still sees open at `now`.
#[diesel::dsl::auto_type(no_type_alias)]
fn open_to_owner(merchant: String, now: NaiveDateTime) -> _ {
    let statuses: Vec<&'static str> = texts(OPEN_TO_OWNER);
    inv::merchant_id
        .eq(merchant)
        .and(inv::status.eq_any(statuses))
        .and(inv::expires_at.gt(now))
}

/// The number's invitations that it may still answer at `now`.
#[diesel::dsl::auto_type(no_type_alias)]
fn open_to_invitee(phone_index: String, now: NaiveDateTime) -> _ {
    let statuses: Vec<&'static str> = texts(OPEN_TO_INVITEE);
    inv::phone_index
        .eq(phone_index)
        .and(inv::status.eq_any(statuses))
        .and(inv::expires_at.gt(now))
}

/// The merchant's invitation of this number that its owner still sees open, if any.
pub fn open_for_phone(
    conn: &mut DbConn,
    merchant: &MerchantId,
    phone_index: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<InvitationRow>> {
    inv::table
        .filter(open_to_owner(merchant.as_str().to_owned(), now))
        .filter(inv::phone_index.eq(phone_index))
        .select(inv::all_columns)
        .first(conn)
        .optional()
}

/// How many invitations the merchant's owner sees open.
pub fn count_open(
    conn: &mut DbConn,
    merchant: &MerchantId,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    inv::table
        .filter(open_to_owner(merchant.as_str().to_owned(), now))
        .count()
        .get_result(conn)
}

/// One page of the invitations open in `seen`'s view, each with its merchant's name, by id:
/// `limit` after `after`.
pub fn open_page(
    conn: &mut DbConn,
    seen: Seen<'_>,
    after: Option<&StaffInvitationId>,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<(InvitationRow, String)>> {
    let mut query = inv::table
        .inner_join(merchants::table)
        .select((inv::all_columns, merchants::name))
        .into_boxed();
    query = match seen {
        Seen::ByOwner(merchant) => query.filter(open_to_owner(merchant.as_str().to_owned(), now)),
        Seen::ByInvitee { phone_index } => {
            query.filter(open_to_invitee(phone_index.to_owned(), now))
        }
    };
    if let Some(after) = after {
        query = query.filter(inv::id.gt(after.as_str().to_owned()));
    }
    query.order(inv::id.asc()).limit(limit).load(conn)
}

/// Moves an unexpired invitation from one of `from` to `to` in one conditional statement; false
/// if it was in none of them (or has expired) by then.
pub fn advance(
    conn: &mut DbConn,
    id: &StaffInvitationId,
    from: &[InvitationStatus],
    to: InvitationStatus,
    by: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        inv::table
            .find(id.as_str())
            .filter(inv::status.eq_any(texts(from)))
            .filter(inv::expires_at.gt(now)),
    )
    .set((
        inv::status.eq(to.as_str()),
        inv::decided_at.eq(now),
        inv::decided_by.eq(by.as_str()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

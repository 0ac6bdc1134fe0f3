//! Staff invitations: a merchant's owner invites a phone number, and only the account of that
//! number decides whether it joins the staff. Until then the owner learns nothing about the
//! number: not whether it has an account, not whether that account declined.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// How many days an invitation can be accepted.
pub const VALID_DAYS: i64 = 7;

/// How many invitations a merchant may have open at once: more than a shop hires in a week,
/// few enough that an owner cannot spray invitations over a list of numbers.
pub const MAX_OPEN: i64 = 50;

crate::text_enum! {
    /// Where an invitation stands. `pending` until the invited account answers, the owner revokes
    /// it or it expires.
    pub enum InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Expired = "expired",
    }
}

/// What the owner still sees as open: a declined invitation looks pending to the owner until it
/// expires, because telling the owner of a decline would tell that the number has an account.
pub const OPEN_TO_OWNER: &[InvitationStatus] =
    &[InvitationStatus::Pending, InvitationStatus::Declined];

/// What the invited account may still answer.
pub const OPEN_TO_INVITEE: &[InvitationStatus] = &[InvitationStatus::Pending];

/// Something done to an invitation: the invited account accepts or declines, the owner revokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Accept,
    Decline,
    Revoke,
}

/// Why a move is refused: the invitation has expired, or it is no longer open to the mover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotOpen {
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation is no longer open")]
    Closed,
}

impl Move {
    /// The statuses this move starts from (the condition of its one conditional update).
    pub fn from(self) -> &'static [InvitationStatus] {
        match self {
            Move::Accept | Move::Decline => OPEN_TO_INVITEE,
            Move::Revoke => OPEN_TO_OWNER,
        }
    }

    /// The status this move leads to.
    pub fn to(self) -> InvitationStatus {
        match self {
            Move::Accept => InvitationStatus::Accepted,
            Move::Decline => InvitationStatus::Declined,
            Move::Revoke => InvitationStatus::Revoked,
        }
    }

    /// Where an invitation in `status`, expiring at `expires_at` (UTC), goes by this move `now`.
    pub fn apply(
        self,
        status: InvitationStatus,
        expires_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<InvitationStatus, NotOpen> {
        let open = self.from().contains(&status);
        if status == InvitationStatus::Expired || (open && expires_at <= now) {
            Err(NotOpen::Expired)
        } else if open {
            Ok(self.to())
        } else {
            Err(NotOpen::Closed)
        }
    }
}

/// When an invitation made at `invited_at` stops being open.
pub fn expires_at(invited_at: DateTime<Utc>) -> DateTime<Utc> {
    invited_at + Duration::days(VALID_DAYS)
}

#[cfg(test)]
mod tests {
    use super::InvitationStatus::*;
    use super::*;

    #[test]
    fn each_move_opens_only_from_its_statuses_and_before_expiry() {
        let now = DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let (later, earlier) = (now + Duration::seconds(1), now - Duration::seconds(1));
        for (mv, status, expires, outcome) in [
            (Move::Accept, Pending, later, Ok(Accepted)),
            (Move::Decline, Pending, later, Ok(Declined)),
            (Move::Revoke, Pending, later, Ok(Revoked)),
            (Move::Revoke, Declined, later, Ok(Revoked)),
            (Move::Accept, Declined, later, Err(NotOpen::Closed)),
            (Move::Decline, Declined, later, Err(NotOpen::Closed)),
            (Move::Accept, Accepted, later, Err(NotOpen::Closed)),
            (Move::Revoke, Accepted, later, Err(NotOpen::Closed)),
            (Move::Accept, Revoked, later, Err(NotOpen::Closed)),
            (Move::Accept, Pending, now, Err(NotOpen::Expired)),
            (Move::Decline, Pending, earlier, Err(NotOpen::Expired)),
            (Move::Revoke, Declined, earlier, Err(NotOpen::Expired)),
            (Move::Revoke, Expired, later, Err(NotOpen::Expired)),
            (Move::Accept, Expired, later, Err(NotOpen::Expired)),
            // A closed invitation stays closed, expired or not.
            (Move::Accept, Accepted, earlier, Err(NotOpen::Closed)),
            (Move::Decline, Declined, earlier, Err(NotOpen::Closed)),
        ] {
            assert_eq!(mv.apply(status, expires, now), outcome, "{mv:?} {status}");
        }
    }

    #[test]
    fn an_invitation_lasts_seven_days() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!((expires_at(at) - at).num_days(), 7);
    }
}

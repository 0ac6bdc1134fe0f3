//! 入会申请: a member asks to join a grassroots union; an admin of it (or above) decides.

crate::text_enum! {
    /// Where an application (membership or merchant) stands: `pending` until an admin in scope decides.
    pub enum ApplicationStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

crate::text_enum! {
    /// Whether an account is a union member: `none` until an application is approved.
    pub enum MembershipStatus {
        None = "none",
        Active = "active",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an application that is {0:?} cannot be decided again")]
pub struct AlreadyDecided(pub ApplicationStatus);

impl ApplicationStatus {
    /// Only a pending application is decided, once.
    pub fn decide(self, decision: Decision) -> Result<ApplicationStatus, AlreadyDecided> {
        match (self, decision) {
            (ApplicationStatus::Pending, Decision::Approve) => Ok(ApplicationStatus::Approved),
            (ApplicationStatus::Pending, Decision::Reject) => Ok(ApplicationStatus::Rejected),
            (done, _) => Err(AlreadyDecided(done)),
        }
    }
}

crate::text_enum! {
    /// 劳模 level; unlocks some offers and higher loan caps.
    pub enum LaborModelLevel {
        None = "none",
        City = "city",
        Provincial = "provincial",
        National = "national",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_decided_once() {
        use ApplicationStatus::*;
        assert_eq!(Pending.decide(Decision::Approve), Ok(Approved));
        assert_eq!(Pending.decide(Decision::Reject), Ok(Rejected));
        assert_eq!(
            Approved.decide(Decision::Reject),
            Err(AlreadyDecided(Approved))
        );
        assert_eq!(
            Rejected.decide(Decision::Approve),
            Err(AlreadyDecided(Rejected))
        );
    }
}

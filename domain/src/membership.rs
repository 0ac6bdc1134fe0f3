//! 入会申请: a member asks to join a grassroots union; an admin of it (or above) decides.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
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
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<ApplicationStatus> {
        [
            ApplicationStatus::Pending,
            ApplicationStatus::Approved,
            ApplicationStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// Only a pending application is decided, once.
    pub fn decide(self, decision: Decision) -> Result<ApplicationStatus, AlreadyDecided> {
        match (self, decision) {
            (ApplicationStatus::Pending, Decision::Approve) => Ok(ApplicationStatus::Approved),
            (ApplicationStatus::Pending, Decision::Reject) => Ok(ApplicationStatus::Rejected),
            (done, _) => Err(AlreadyDecided(done)),
        }
    }
}

/// 劳模 level; unlocks some offers and higher loan caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaborModelLevel {
    None,
    City,
    Provincial,
    National,
}

impl LaborModelLevel {
    pub const fn as_str(self) -> &'static str {
        match self {
            LaborModelLevel::None => "none",
            LaborModelLevel::City => "city",
            LaborModelLevel::Provincial => "provincial",
            LaborModelLevel::National => "national",
        }
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

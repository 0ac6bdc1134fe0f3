//! The case workflow as one table: which mover may take a case from which state to which, and
//! which fields each move needs. Everything else (the HTTP status, the database's conditional
//! update) follows from [`check_move`] and [`fields_for`].
//!
//! ```text
//! submitted -> accepted | rejected        (handler: review within REVIEW_DAYS)
//! accepted  -> assigned                   (handler names an officer in scope)
//! assigned  -> assigned                   (handler reassigns, naming the current assignee)
//! assigned  -> mediation | resolved | closed
//! mediation -> resolved | closed
//! submitted | accepted | assigned -> withdrawn   (the applicant only)
//! ```

crate::text_enum! {
    /// Where a case stands.
    pub enum CaseStatus {
        Submitted = "submitted",
        Accepted = "accepted",
        Rejected = "rejected",
        Assigned = "assigned",
        /// 诉调对接: court-entrusted mediation by the union.
        Mediation = "mediation",
        Resolved = "resolved",
        Closed = "closed",
        Withdrawn = "withdrawn",
    }
}

impl CaseStatus {
    /// A finished case: read-only except for handlers' appended internal notes.
    pub const fn is_finished(self) -> bool {
        matches!(
            self,
            CaseStatus::Rejected
                | CaseStatus::Resolved
                | CaseStatus::Closed
                | CaseStatus::Withdrawn
        )
    }

    /// The states a new request for the same employer and category is a duplicate of.
    pub fn open() -> impl Iterator<Item = CaseStatus> {
        CaseStatus::ALL.iter().copied().filter(|s| !s.is_finished())
    }
}

crate::text_enum! {
    /// In which capacity someone acted on a case (its history says so for every move).
    pub enum ActorRole {
        Applicant = "applicant",
        LegalAidOfficer = "legal_aid_officer",
        UnionAdmin = "union_admin",
    }
}

crate::text_enum! {
    /// Who wrote a message of a case's thread, as the thread shows it.
    pub enum Author {
        Applicant = "applicant",
        Handler = "handler",
    }
}

/// Who is moving the case, relative to it. The applicant is always `Applicant` for their own
/// case, whatever other roles they hold: nobody handles their own dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    Applicant,
    /// A legal-aid officer or union admin whose scope holds the case.
    Handler,
}

/// The optional fields of a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveField {
    Note,
    Reason,
    AssigneeId,
    ExpectedAssigneeId,
    CourtCaseNo,
    RecoveredFen,
}

impl MoveField {
    pub const ALL: &'static [MoveField] = &[
        MoveField::Note,
        MoveField::Reason,
        MoveField::AssigneeId,
        MoveField::ExpectedAssigneeId,
        MoveField::CourtCaseNo,
        MoveField::RecoveredFen,
    ];

    /// The field's name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            MoveField::Note => "note",
            MoveField::Reason => "reason",
            MoveField::AssigneeId => "assignee_id",
            MoveField::ExpectedAssigneeId => "expected_assignee_id",
            MoveField::CourtCaseNo => "court_case_no",
            MoveField::RecoveredFen => "recovered_fen",
        }
    }
}

/// Which fields a move to a target state needs and which it may carry. Depends on the target
/// only, so a client (and the spec) can tell a well-formed move without knowing the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveFields {
    pub required: &'static [MoveField],
    pub allowed: &'static [MoveField],
}

pub const fn fields_for(to: CaseStatus) -> MoveFields {
    use MoveField::*;
    let (required, allowed): (&[MoveField], &[MoveField]) = match to {
        CaseStatus::Rejected => (&[Reason], &[Reason, Note]),
        CaseStatus::Assigned => (&[AssigneeId], &[AssigneeId, ExpectedAssigneeId, Note]),
        CaseStatus::Mediation => (&[], &[CourtCaseNo, Note]),
        CaseStatus::Resolved => (&[RecoveredFen], &[RecoveredFen, Note]),
        CaseStatus::Submitted
        | CaseStatus::Accepted
        | CaseStatus::Closed
        | CaseStatus::Withdrawn => (&[], &[Note]),
    };
    MoveFields { required, allowed }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("this move is not allowed from the case's current state")]
    InvalidTransition,
}

/// What a permitted move is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A change of state.
    Transition { from: CaseStatus, to: CaseStatus },
    /// A new assignee, the state staying `assigned`; needs the expected current assignee.
    Reassignment,
}

/// Whether `mover` may take a case in `from` to `to`.
pub fn check_move(mover: Mover, from: CaseStatus, to: CaseStatus) -> Result<Move, MoveError> {
    use CaseStatus::*;
    let allowed = match mover {
        Mover::Applicant => matches!((from, to), (Submitted | Accepted | Assigned, Withdrawn)),
        Mover::Handler => matches!(
            (from, to),
            (Submitted, Accepted | Rejected)
                | (Accepted, Assigned)
                | (Assigned, Assigned | Mediation | Resolved | Closed)
                | (Mediation, Resolved | Closed)
        ),
    };
    match (allowed, from == to) {
        (false, _) => Err(MoveError::InvalidTransition),
        (true, true) => Ok(Move::Reassignment),
        (true, false) => Ok(Move::Transition { from, to }),
    }
}

/// The applicant must hear of these (by SMS, with no case details in it).
pub const fn notifies_applicant(to: CaseStatus) -> bool {
    matches!(
        to,
        CaseStatus::Accepted
            | CaseStatus::Rejected
            | CaseStatus::Assigned
            | CaseStatus::Resolved
            | CaseStatus::Closed
    )
}

/// A first decision on a request (what the review deadline is about).
pub const fn is_decision(to: CaseStatus) -> bool {
    matches!(to, CaseStatus::Accepted | CaseStatus::Rejected)
}

#[cfg(test)]
mod tests {
    use super::CaseStatus::*;
    use super::*;

    /// The whole table, written out: (mover, from, to) for every allowed move. Every other
    /// combination of the 2 x 8 x 8 must be refused.
    const ALLOWED: &[(Mover, CaseStatus, CaseStatus)] = &[
        (Mover::Handler, Submitted, Accepted),
        (Mover::Handler, Submitted, Rejected),
        (Mover::Handler, Accepted, Assigned),
        (Mover::Handler, Assigned, Assigned),
        (Mover::Handler, Assigned, Mediation),
        (Mover::Handler, Assigned, Resolved),
        (Mover::Handler, Assigned, Closed),
        (Mover::Handler, Mediation, Resolved),
        (Mover::Handler, Mediation, Closed),
        (Mover::Applicant, Submitted, Withdrawn),
        (Mover::Applicant, Accepted, Withdrawn),
        (Mover::Applicant, Assigned, Withdrawn),
    ];

    #[test]
    fn every_mover_state_and_target_is_decided_by_the_table() {
        let mut checked = 0;
        for mover in [Mover::Applicant, Mover::Handler] {
            for &from in CaseStatus::ALL {
                for &to in CaseStatus::ALL {
                    let expected = ALLOWED.contains(&(mover, from, to));
                    let outcome = check_move(mover, from, to);
                    assert_eq!(outcome.is_ok(), expected, "{mover:?}: {from} -> {to}");
                    if expected {
                        let kind = if from == to {
                            Move::Reassignment
                        } else {
                            Move::Transition { from, to }
                        };
                        assert_eq!(outcome, Ok(kind));
                    } else {
                        assert_eq!(outcome, Err(MoveError::InvalidTransition));
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 2 * 8 * 8);
    }

    #[test]
    fn finished_cases_go_nowhere_and_nothing_returns_to_submitted() {
        for &from in CaseStatus::ALL.iter().filter(|s| s.is_finished()) {
            for &to in CaseStatus::ALL {
                for mover in [Mover::Applicant, Mover::Handler] {
                    assert!(check_move(mover, from, to).is_err(), "{from} -> {to}");
                }
            }
        }
        for &from in CaseStatus::ALL {
            assert!(check_move(Mover::Handler, from, Submitted).is_err());
        }
    }

    #[test]
    fn each_target_requires_what_api_md_names_and_allows_only_its_own_fields() {
        use MoveField::*;
        for &to in CaseStatus::ALL {
            let f = fields_for(to);
            for field in f.required {
                assert!(
                    f.allowed.contains(field),
                    "{to}: required {field:?} not allowed"
                );
            }
            assert!(
                f.allowed.contains(&Note),
                "{to}: every move may carry a note"
            );
        }
        assert_eq!(fields_for(Rejected).required, &[Reason]);
        assert_eq!(fields_for(Assigned).required, &[AssigneeId]);
        assert_eq!(fields_for(Resolved).required, &[RecoveredFen]);
        assert!(fields_for(Mediation).allowed.contains(&CourtCaseNo));
        assert!(!fields_for(Accepted).allowed.contains(&RecoveredFen));
        assert!(!fields_for(Closed).allowed.contains(&AssigneeId));
    }

    #[test]
    fn the_applicant_hears_of_each_decision_and_outcome_but_not_of_their_own_withdrawal() {
        let told: Vec<_> = CaseStatus::ALL
            .iter()
            .copied()
            .filter(|s| notifies_applicant(*s))
            .collect();
        assert_eq!(told, [Accepted, Rejected, Assigned, Resolved, Closed]);
        assert!(is_decision(Accepted) && is_decision(Rejected) && !is_decision(Assigned));
    }

    #[test]
    fn open_states_are_the_unfinished_ones() {
        let open: Vec<_> = CaseStatus::open().collect();
        assert_eq!(open, [Submitted, Accepted, Assigned, Mediation]);
    }
}

//! Who may see a case, and as what: its applicant, or a handler (a legal-aid officer or union
//! admin whose scope holds the case's org unit). Everyone else is told the case does not exist.

use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, CaseId};
use gangonghui_domain::legal_aid::workflow::{ActorRole, Mover};
use gangonghui_domain::org::in_subtree;
use gangonghui_persistence::DbConn;
use gangonghui_persistence::accounts;
use gangonghui_persistence::legal_aid::{self, CaseRow, Visibility};

use super::LegalAidError;
use crate::auth::Authenticated;
use crate::http::ApiError;
use crate::orgs::service::scope_path;

/// The caller with the subtrees their operator grants cover.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub account_id: AccountId,
    scopes: Vec<(Role, String)>,
}

/// What the caller is to one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Applicant,
    /// A handler, in the role whose scope holds the case (an officer's grant wins over an
    /// admin's, as the more specific one).
    Handler(Role),
}

impl Standing {
    pub fn mover(self) -> Mover {
        match self {
            Standing::Applicant => Mover::Applicant,
            Standing::Handler(_) => Mover::Handler,
        }
    }

    /// The capacity the case's history records.
    pub fn actor_role(self) -> ActorRole {
        match self {
            Standing::Applicant => ActorRole::Applicant,
            Standing::Handler(Role::UnionAdmin) => ActorRole::UnionAdmin,
            Standing::Handler(_) => ActorRole::LegalAidOfficer,
        }
    }

    /// The role the audit log records the caller acting in.
    pub fn audit_role(self) -> Role {
        match self {
            Standing::Handler(role) => role,
            Standing::Applicant => Role::Member,
        }
    }

    pub fn is_handler(self) -> bool {
        matches!(self, Standing::Handler(_))
    }
}

fn is_operator(role: Role) -> bool {
    matches!(role, Role::LegalAidOfficer | Role::UnionAdmin)
}

impl Viewer {
    pub fn load(conn: &mut DbConn, auth: &Authenticated) -> Result<Viewer, ApiError> {
        let mut scopes = Vec::new();
        for grant in auth.grants.iter().filter(|g| is_operator(g.role)) {
            if let Some(org) = &grant.org_id {
                scopes.push((grant.role, scope_path(conn, org)?));
            }
        }
        // Officers first: `standing` takes the first grant that holds the case.
        scopes.sort_by_key(|(role, _)| *role != Role::LegalAidOfficer);
        Ok(Viewer {
            account_id: auth.account_id.clone(),
            scopes,
        })
    }

    pub fn visibility(&self) -> Visibility {
        Visibility {
            account_id: self.account_id.clone(),
            scope_paths: self.scopes.iter().map(|(_, path)| path.clone()).collect(),
        }
    }

    /// The applicant is the applicant even when they also hold an operator role: nobody
    /// handles their own dispute.
    pub fn standing(&self, case: &CaseRow) -> Option<Standing> {
        if case.applicant_id == self.account_id {
            return Some(Standing::Applicant);
        }
        self.scopes
            .iter()
            .find(|(_, path)| in_subtree(&case.org_path, path))
            .map(|(role, _)| Standing::Handler(*role))
    }

    /// The case, if the caller may see it; otherwise `case.not_found`.
    pub fn case(&self, conn: &mut DbConn, id: &CaseId) -> Result<(CaseRow, Standing), ApiError> {
        let case = legal_aid::find(conn, id)?.ok_or(LegalAidError::CaseNotFound)?;
        let standing = self.standing(&case).ok_or(LegalAidError::CaseNotFound)?;
        Ok((case, standing))
    }
}

/// Whether `account` may be assigned the case: a legal-aid officer whose scope holds it, and not
/// its applicant.
pub fn can_be_assigned(
    conn: &mut DbConn,
    account: &AccountId,
    case: &CaseRow,
) -> Result<bool, ApiError> {
    if *account == case.applicant_id {
        return Ok(false);
    }
    for grant in accounts::roles(conn, account)? {
        if grant.role != Role::LegalAidOfficer {
            continue;
        }
        if let Some(org) = grant.org_id
            && in_subtree(&case.org_path, &scope_path(conn, &org)?)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

//! Intake and reading: a worker submits a request (with consent) to their union; the applicant
//! and the handlers in scope read it, its history and its evidence.

use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, CaseEventId, CaseId};
use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::legal_aid::{CONSENT_VERSION, employer_key, review_due_at};
use gangonghui_domain::membership::MembershipStatus;
use gangonghui_persistence::error::is_unique_violation;
use gangonghui_persistence::legal_aid::events::{self, NewEvent};
use gangonghui_persistence::legal_aid::{
    self, CaseFilter, CaseRow, NewCase, attachments, messages,
};
use gangonghui_persistence::{DbConn, ids, memberships, orgs, write_tx};

use super::LegalAidError;
use super::access::{Standing, Viewer};
use super::dto::NewRequest;
use super::sealed::Sealed;
use super::view::{CaseDto, CaseListDto, CaseParts, CaseSummaryDto};
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::Authenticated;
use crate::crypto::DataKeys;
use crate::http::pagination::page;
use crate::http::{ApiError, FieldIssueKind};
use crate::membership::MemberError;
use crate::metrics::record;
use crate::state::AppState;

/// The keyed hash the duplicate rule compares employers by. Bound to the applicant: the rule is
/// per applicant, and an index shared across applicants would let a database dump group
/// everyone's cases by employer without the key. Its own label keeps it apart from ID numbers'.
pub fn employer_index(keys: &DataKeys, applicant: &AccountId, employer: &str) -> String {
    let key = employer_key(employer);
    keys.blind_index(&format!("legal_aid/employer\0{applicant}\0{key}"))
}

pub async fn submit(
    state: &AppState,
    auth: &Authenticated,
    request: NewRequest,
    ctx: RequestContext,
) -> Result<CaseDto, ApiError> {
    let now = state.clock.now();
    let (me, keys) = (auth.account_id.clone(), state.data_keys.clone());
    let parts = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let (org_id, org_path) = match memberships::membership(c, &me)? {
                    Some(m) if m.status == MembershipStatus::Active => (m.org_id, m.org_path),
                    _ => {
                        let wanted = request.org_id.clone().ok_or_else(|| {
                            ApiError::field("org_id", FieldIssueKind::Required)
                        })?;
                        let org = orgs::find(c, &wanted)?.ok_or(MemberError::OrgNotFound)?;
                        (org.id, org.path)
                    }
                };
                let index = employer_index(&keys, &me, &request.employer_name);
                if legal_aid::open_duplicate(c, &me, request.category, &index)?.is_some() {
                    return Err(LegalAidError::Duplicate.into());
                }
                let id: CaseId = ids::new_id();
                let seal = |field: Sealed, text: &str| field.seal(&keys, id.as_str(), text);
                let at = now.naive_utc();
                let inserted = legal_aid::insert(
                    c,
                    &NewCase {
                        id: &id,
                        applicant_id: &me,
                        org_id: &org_id,
                        org_path: &org_path,
                        category: request.category,
                        status: CaseStatus::Submitted,
                        employer_enc: &seal(Sealed::Employer, &request.employer_name),
                        employer_index: &index,
                        claim_amount_fen: request.claim_amount_fen,
                        description_enc: &seal(Sealed::Description, &request.description),
                        contact_phone_enc: &seal(Sealed::ContactPhone, request.contact_phone.as_str()),
                        consent_version: CONSENT_VERSION,
                        consented_at: at,
                        submitted_at: at,
                        review_due_at: review_due_at(now).naive_utc(),
                        updated_at: at,
                    },
                );
                // Two submissions racing past the check: the partial unique index decides.
                match inserted {
                    Err(e) if is_unique_violation(&e) => return Err(LegalAidError::Duplicate.into()),
                    other => other?,
                }
                let event_id: CaseEventId = ids::new_id();
                events::insert(
                    c,
                    &NewEvent {
                        id: &event_id,
                        case_id: &id,
                        from_status: None,
                        to_status: CaseStatus::Submitted.as_str(),
                        actor_id: &me,
                        actor_role: Standing::Applicant.actor_role(),
                        assignee_id: None,
                        note_enc: None,
                        at,
                    },
                )?;
                AuditEvent::new("legal_aid.submit", "legal_aid_case", &id)
                    .by(&me, Role::Member)
                    .in_org(&org_id)
                    .detail(serde_json::json!({ "category": request.category.as_str(), "consent_version": CONSENT_VERSION }))
                    .record(c, &ctx)?;
                let case = legal_aid::find(c, &id)?.ok_or(diesel::result::Error::NotFound)?;
                parts(c, &me, case, Standing::Applicant)
            })
        })
        .await?;
    record::legal_aid_moved("none", CaseStatus::Submitted.as_str());
    CaseDto::new(&state.data_keys, parts, now)
}

/// Everything the view of one case shows `reader`.
pub fn parts(
    c: &mut DbConn,
    reader: &AccountId,
    case: CaseRow,
    standing: Standing,
) -> Result<CaseParts, ApiError> {
    Ok(CaseParts {
        events: events::for_case(c, &case.id)?,
        attachments: attachments::for_case(c, &case.id)?,
        unread: messages::unread_in_case(c, &case.id, reader, standing.is_handler())?,
        case,
        standing,
    })
}

pub async fn get(state: &AppState, auth: &Authenticated, id: CaseId) -> Result<CaseDto, ApiError> {
    let now = state.clock.now();
    let auth = auth.clone();
    let parts = state
        .db(move |c| {
            let viewer = Viewer::load(c, &auth)?;
            let (case, standing) = viewer.case(c, &id)?;
            parts(c, &auth.account_id, case, standing)
        })
        .await?;
    CaseDto::new(&state.data_keys, parts, now)
}

/// One page of the cases the caller may see: their own, and those in their operator scopes.
pub async fn list(
    state: &AppState,
    auth: &Authenticated,
    mut filter: CaseFilter,
    overdue: bool,
    limit: i64,
) -> Result<CaseListDto, ApiError> {
    let now = state.clock.now();
    if overdue {
        filter.overdue_at = Some(now.naive_utc());
    }
    let auth = auth.clone();
    let rows = state
        .db(move |c| {
            let viewer = Viewer::load(c, &auth)?;
            // `limit + 1` rows: the extra one only says there is more.
            Ok(legal_aid::list(
                c,
                &viewer.visibility(),
                &filter,
                limit + 1,
            )?)
        })
        .await?;
    let items: Vec<CaseSummaryDto> = rows
        .iter()
        .map(|case| CaseSummaryDto::new(&state.data_keys, case, now))
        .collect::<Result<_, _>>()?;
    let build = |items, next_cursor| CaseListDto { items, next_cursor };
    Ok(page(items, limit, |c| c.id.clone(), |c| c, build))
}

pub async fn unread(state: &AppState, auth: &Authenticated) -> Result<i64, ApiError> {
    let me = auth.account_id.clone();
    state
        .db(move |c| Ok(messages::unread_for_applicant(c, &me)?))
        .await
}

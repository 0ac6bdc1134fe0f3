//! Moving a case: the domain's table decides whether the caller may, the database's conditional
//! update decides who wins a race, and the move, its history entry and its audit record commit
//! together. The applicant hears of decisions and outcomes by SMS after the commit.

use gangonghui_domain::Phone;
use gangonghui_domain::ids::{CaseEventId, CaseId};
use gangonghui_domain::legal_aid::workflow::{Move, check_move, is_decision, notifies_applicant};
use gangonghui_persistence::legal_aid::events::{self, NewEvent};
use gangonghui_persistence::legal_aid::{self, MoveWrite};
use gangonghui_persistence::{ids, write_tx};

use super::LegalAidError;
use super::access::{Standing, Viewer, can_be_assigned};
use super::dto::TransitionBody;
use super::sealed::Sealed;
use super::service::parts;
use super::view::CaseDto;
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::Authenticated;
use crate::http::{ApiError, FieldIssue, FieldIssueKind, Rule};
use crate::state::AppState;

fn field_issue(field: &str, kind: FieldIssueKind) -> ApiError {
    ApiError::Validation(vec![FieldIssue::new(field, kind)])
}

pub async fn move_case(
    state: &AppState,
    auth: &Authenticated,
    id: CaseId,
    body: TransitionBody,
    ctx: RequestContext,
) -> Result<CaseDto, ApiError> {
    let now = state.clock.now();
    let (auth, keys) = (auth.clone(), state.data_keys.clone());
    let (parts, notify_phone) = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let viewer = Viewer::load(c, &auth)?;
                let (case, standing) = viewer.case(c, &id)?;
                let to = body.to;
                let kind = check_move(standing.mover(), case.status, to)
                    .map_err(|_| LegalAidError::InvalidTransition)?;
                if let Some(assignee) = &body.assignee_id
                    && !can_be_assigned(c, assignee, &case)?
                {
                    return Err(field_issue(
                        "assignee_id",
                        FieldIssueKind::Invalid {
                            reason: Rule::Assignee,
                        },
                    ));
                }
                // Reassigning to whoever holds the case changes nothing: refused, so a repeated
                // request cannot pile up history or text the applicant again and again.
                if kind == Move::Reassignment && body.assignee_id == case.assignee_id {
                    return Err(LegalAidError::InvalidTransition.into());
                }
                let expected = match kind {
                    Move::Reassignment => {
                        Some(body.expected_assignee_id.clone().ok_or_else(|| {
                            field_issue("expected_assignee_id", FieldIssueKind::Required)
                        })?)
                    }
                    Move::Transition { .. } => None,
                };
                let at = now.naive_utc();
                let reason_enc = body
                    .reason
                    .as_deref()
                    .map(|r| Sealed::Reason.seal(&keys, id.as_str(), r));
                let write = MoveWrite {
                    status: to.as_str(),
                    updated_at: at,
                    assignee_id: body.assignee_id.as_ref().map(|a| a.as_str()),
                    court_case_no: body.court_case_no.as_deref(),
                    recovered_fen: body.recovered_fen,
                    reason_enc: reason_enc.as_deref(),
                    decided_at: is_decision(to).then_some(at),
                    finished_at: to.is_finished().then_some(at),
                };
                if !legal_aid::apply_move(c, &id, case.status, expected.as_ref(), &write)? {
                    return Err(match kind {
                        Move::Reassignment => LegalAidError::AssigneeChanged,
                        Move::Transition { .. } => LegalAidError::InvalidTransition,
                    }
                    .into());
                }
                let event_id: CaseEventId = ids::new_id();
                let note_enc = body
                    .note
                    .as_deref()
                    .map(|n| Sealed::EventNote.seal(&keys, event_id.as_str(), n));
                events::insert(
                    c,
                    &NewEvent {
                        id: &event_id,
                        case_id: &id,
                        from_status: Some(case.status.as_str()),
                        to_status: to.as_str(),
                        actor_id: &auth.account_id,
                        actor_role: standing.role_name(),
                        assignee_id: write.assignee_id,
                        note_enc: note_enc.as_deref(),
                        at,
                    },
                )?;
                let actor_role = match standing {
                    Standing::Handler(role) => role,
                    Standing::Applicant => gangonghui_domain::Role::Member,
                };
                AuditEvent::new("legal_aid.transition", "legal_aid_case", &id)
                    .by(&auth.account_id, actor_role)
                    .in_org(&case.org_id)
                    .detail(serde_json::json!({
                        "from": case.status.as_str(),
                        "to": to.as_str(),
                        "assignee_id": write.assignee_id,
                        "event_id": event_id,
                    }))
                    .record(c, &ctx)?;
                let notify_phone = if notifies_applicant(to) {
                    let phone =
                        Sealed::ContactPhone.open(&keys, id.as_str(), &case.contact_phone_enc)?;
                    Phone::parse(&phone).ok()
                } else {
                    None
                };
                let case = legal_aid::find(c, &id)?.ok_or(diesel::result::Error::NotFound)?;
                Ok((parts(c, &auth.account_id, case, standing)?, notify_phone))
            })
        })
        .await?;
    if let Some(phone) = notify_phone {
        super::notify::case_changed(state, phone);
    }
    CaseDto::new(&state.data_keys, parts, now)
}

//! Moving a case: the domain's table decides whether the caller may, the database's conditional
//! update decides who wins a race, and the move, its history entry and its audit record commit
//! together. The applicant hears of decisions and outcomes by SMS after the commit.

use gangonghui_domain::Phone;
use gangonghui_domain::ids::{AccountId, CaseEventId, CaseId};
use gangonghui_domain::legal_aid::workflow::{Move, check_move, is_decision, notifies_applicant};
use gangonghui_persistence::legal_aid::events::{self, NewEvent};
use gangonghui_persistence::legal_aid::{self, CaseRow, MoveWrite};
use gangonghui_persistence::{DbConn, accounts, ids, write_tx};

use super::LegalAidError;
use super::access::{Standing, Viewer, can_be_assigned};
use super::dto::TransitionBody;
use super::sealed::Sealed;
use super::service::parts;
use super::view::CaseDto;
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::Authenticated;
use crate::crypto::DataKeys;
use crate::http::{ApiError, FieldIssueKind, Rule};
use crate::metrics::record;
use crate::state::AppState;

pub async fn move_case(
    state: &AppState,
    auth: &Authenticated,
    id: CaseId,
    body: TransitionBody,
    ctx: RequestContext,
) -> Result<CaseDto, ApiError> {
    let now = state.clock.now();
    let (auth, keys) = (auth.clone(), state.data_keys.clone());
    let (parts, notify_phone, from) = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let viewer = Viewer::load(c, &auth)?;
                let (case, standing) = viewer.case(c, &id)?;
                let (kind, expected) = permitted(c, &case, standing, &body)?;
                let at = now.naive_utc();
                let seal = |field: Sealed, text: &Option<String>| {
                    text.as_deref().map(|t| field.seal(&keys, id.as_str(), t))
                };
                let (court_case_no_enc, reason_enc) = (
                    seal(Sealed::CourtCaseNo, &body.court_case_no),
                    seal(Sealed::Reason, &body.reason),
                );
                let write = MoveWrite {
                    status: body.to.as_str(),
                    updated_at: at,
                    assignee_id: body.assignee_id.as_ref().map(|a| a.as_str()),
                    court_case_no_enc: court_case_no_enc.as_deref(),
                    recovered_fen: body.recovered_fen,
                    reason_enc: reason_enc.as_deref(),
                    decided_at: is_decision(body.to).then_some(at),
                    finished_at: body.to.is_finished().then_some(at),
                };
                if !legal_aid::apply_move(c, &id, case.status, expected.as_ref(), &write)? {
                    return Err(match kind {
                        Move::Reassignment => LegalAidError::AssigneeChanged,
                        Move::Transition { .. } => LegalAidError::InvalidTransition,
                    }
                    .into());
                }
                let mover = (&auth.account_id, standing);
                record(c, &keys, &ctx, &case, mover, &body, at)?;
                // The account's own phone, proven at registration: the contact phone is whatever
                // the applicant typed, and the union must not text a stranger.
                let notify_phone = match notifies_applicant(body.to) {
                    true => accounts::find_by_id(c, &case.applicant_id)?
                        .and_then(|a| Phone::parse(&a.phone).ok()),
                    false => None,
                };
                let from = case.status;
                let case = legal_aid::find(c, &id)?.ok_or(diesel::result::Error::NotFound)?;
                Ok((
                    parts(c, &auth.account_id, case, standing)?,
                    notify_phone,
                    from,
                ))
            })
        })
        .await?;
    record::legal_aid_moved(from.as_str(), parts.case.status.as_str());
    if let Some(phone) = notify_phone {
        super::notify::case_changed(state, phone);
    }
    CaseDto::new(&state.data_keys, parts, now)
}

/// Whether the caller may make this move of this case: the domain's table, then what only the
/// database knows (who may be assigned). For a reassignment, the assignee it must still have.
fn permitted(
    c: &mut DbConn,
    case: &CaseRow,
    standing: Standing,
    body: &TransitionBody,
) -> Result<(Move, Option<AccountId>), ApiError> {
    let kind = check_move(standing.mover(), case.status, body.to)
        .map_err(|_| LegalAidError::InvalidTransition)?;
    if let Some(assignee) = &body.assignee_id
        && !can_be_assigned(c, assignee, case)?
    {
        let reason = Rule::Assignee;
        return Err(ApiError::field(
            "assignee_id",
            FieldIssueKind::Invalid { reason },
        ));
    }
    match kind {
        // Reassigning to whoever holds the case changes nothing: refused, so a repeated
        // request cannot pile up history or text the applicant again and again.
        Move::Reassignment if body.assignee_id == case.assignee_id => {
            Err(LegalAidError::InvalidTransition.into())
        }
        Move::Reassignment => {
            let expected = body.expected_assignee_id.clone();
            let expected = expected
                .ok_or_else(|| ApiError::field("expected_assignee_id", FieldIssueKind::Required))?;
            Ok((kind, Some(expected)))
        }
        Move::Transition { .. } => Ok((kind, None)),
    }
}

/// The move in the case's history (which the applicant reads) and in the audit log, in the
/// transaction that made it.
fn record(
    c: &mut DbConn,
    keys: &DataKeys,
    ctx: &RequestContext,
    case: &CaseRow,
    (actor, standing): (&AccountId, Standing),
    body: &TransitionBody,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let event_id: CaseEventId = ids::new_id();
    let note_enc = body
        .note
        .as_deref()
        .map(|n| Sealed::EventNote.seal(keys, event_id.as_str(), n));
    let assignee_id = body.assignee_id.as_ref().map(AccountId::as_str);
    events::insert(
        c,
        &NewEvent {
            id: &event_id,
            case_id: &case.id,
            from_status: Some(case.status.as_str()),
            to_status: body.to.as_str(),
            actor_id: actor,
            actor_role: standing.actor_role(),
            assignee_id,
            note_enc: note_enc.as_deref(),
            at,
        },
    )?;
    AuditEvent::new("legal_aid.transition", "legal_aid_case", &case.id)
        .by(actor, standing.audit_role())
        .in_org(&case.org_id)
        .detail(serde_json::json!({
            "from": case.status.as_str(),
            "to": body.to.as_str(),
            "assignee_id": assignee_id,
            "event_id": event_id,
        }))
        .record(c, ctx)?;
    Ok(())
}

//! A case's thread: the applicant and the handlers write to each other; handlers also keep
//! internal notes there that the applicant never sees, counts or hears of. A finished case takes
//! only internal notes.

use gangonghui_domain::ids::{CaseId, CaseMessageId};
use gangonghui_persistence::legal_aid;
use gangonghui_persistence::legal_aid::messages::{self, MessageRow};
use gangonghui_persistence::{ids, write_tx};

use super::LegalAidError;
use super::access::Viewer;
use super::dto::MessageBody;
use super::sealed::Sealed;
use super::view::{MessageDto, MessageListDto};
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::{AuthError, Authenticated};
use crate::http::ApiError;
use crate::http::pagination::{self, Keyset};
use crate::state::AppState;

/// One page of the thread as the caller may see it; what the caller was shown is marked read.
pub async fn page(
    state: &AppState,
    auth: &Authenticated,
    id: CaseId,
    keyset: Keyset,
) -> Result<MessageListDto, ApiError> {
    let (auth, after, limit) = (
        auth.clone(),
        keyset.after_id::<CaseMessageId>(),
        keyset.limit,
    );
    let (rows, applicant) = state
        .db(move |c| {
            let viewer = Viewer::load(c, &auth)?;
            let (case, standing) = viewer.case(c, &id)?;
            // `limit + 1` rows: the extra one only says there is more.
            let rows = messages::page(c, &id, standing.is_handler(), after.as_ref(), limit + 1)?;
            let shown = rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX));
            if let Some(last) = rows.get(..shown).and_then(<[_]>::last) {
                messages::mark_read(c, &id, &auth.account_id, &last.id)?;
            }
            Ok((rows, case.applicant_id))
        })
        .await?;
    let keys = &state.data_keys;
    let items: Vec<MessageDto> = rows
        .iter()
        .map(|m| MessageDto::new(keys, m, &applicant))
        .collect::<Result<_, _>>()?;
    let build = |items, next_cursor| MessageListDto { items, next_cursor };
    Ok(pagination::page(
        items,
        limit,
        |m| m.id.clone(),
        |m| m,
        build,
    ))
}

pub async fn post(
    state: &AppState,
    auth: &Authenticated,
    id: CaseId,
    body: MessageBody,
    ctx: RequestContext,
) -> Result<MessageDto, ApiError> {
    let now = state.clock.now();
    let text = body.body.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::field(
            "body",
            crate::http::FieldIssueKind::Required,
        ));
    }
    let (auth, keys) = (auth.clone(), state.data_keys.clone());
    let (row, applicant) = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let viewer = Viewer::load(c, &auth)?;
                let (case, standing) = viewer.case(c, &id)?;
                if body.internal && !standing.is_handler() {
                    return Err(AuthError::Forbidden.into());
                }
                // Decided in one conditional statement: a message racing the closing cannot land.
                if !body.internal && !legal_aid::touch_if_open(c, &id, now.naive_utc())? {
                    return Err(LegalAidError::Finished.into());
                }
                let message_id: CaseMessageId = ids::new_id();
                let row = MessageRow {
                    body_enc: Sealed::MessageBody.seal(&keys, message_id.as_str(), &text),
                    id: message_id,
                    case_id: id.clone(),
                    author_id: auth.account_id.clone(),
                    internal: body.internal,
                    created_at: now.naive_utc(),
                };
                messages::insert(c, &row)?;
                AuditEvent::new("legal_aid.message", "legal_aid_case", &id)
                    .by(&auth.account_id, standing.audit_role())
                    .in_org(&case.org_id)
                    .detail(serde_json::json!({ "message_id": row.id, "internal": row.internal }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>((row, case.applicant_id))
            })
        })
        .await?;
    MessageDto::new(&state.data_keys, &row, &applicant)
}

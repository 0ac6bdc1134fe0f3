//! Evidence files: the applicant and the handlers add PDF, JPEG or PNG files to an unfinished
//! case (at most 20, 10 MiB each); whoever may see the case downloads them; the uploader or a
//! handler removes one while the case is open. Bytes are sealed on disk; the row keeps the
//! plaintext's SHA-256.

use gangonghui_domain::ids::{AttachmentId, CaseId};
use gangonghui_domain::legal_aid::evidence::{EvidenceKind, MAX_FILES_PER_CASE, display_name};
use gangonghui_persistence::legal_aid::attachments::{self, AttachmentRow};
use gangonghui_persistence::legal_aid::{self as cases, CaseRow};
use gangonghui_persistence::{ids, write_tx};

use super::LegalAidError;
use super::access::{Standing, Viewer};
use super::sealed::Sealed;
use super::storage;
use super::upload::Upload;
use super::view::AttachmentDto;
use crate::audit::{AuditEvent, RequestContext};
use crate::auth::{AuthError, Authenticated};
use crate::crypto::sha256_hex;
use crate::http::ApiError;
use crate::state::AppState;

fn open_case(
    viewer: &Viewer,
    c: &mut gangonghui_persistence::DbConn,
    id: &CaseId,
) -> Result<(CaseRow, Standing), ApiError> {
    let (case, standing) = viewer.case(c, id)?;
    if case.status.is_finished() {
        return Err(LegalAidError::Finished.into());
    }
    if i64::from(case.attachment_count) >= MAX_FILES_PER_CASE {
        return Err(LegalAidError::TooManyFiles.into());
    }
    Ok((case, standing))
}

/// Settles, before the body is read, that the caller may add a file to this case now.
pub async fn may_upload(
    state: &AppState,
    auth: &Authenticated,
    id: &CaseId,
) -> Result<(), ApiError> {
    let (auth, id) = (auth.clone(), id.clone());
    state
        .db(move |c| {
            let viewer = Viewer::load(c, &auth)?;
            open_case(&viewer, c, &id).map(drop)
        })
        .await
}

pub async fn add(
    state: &AppState,
    auth: &Authenticated,
    case_id: CaseId,
    upload: Upload,
    ctx: RequestContext,
) -> Result<AttachmentDto, ApiError> {
    let kind = EvidenceKind::sniff(&upload.bytes).ok_or(LegalAidError::UnsupportedFile)?;
    let keys = state.data_keys.clone();
    let id: AttachmentId = ids::new_id();
    let row = AttachmentRow {
        name_enc: Sealed::FileName.seal(
            &keys,
            id.as_str(),
            &display_name(upload.client_name.as_deref(), kind),
        ),
        id: id.clone(),
        case_id: case_id.clone(),
        uploader_id: auth.account_id.clone(),
        content_type: kind,
        size_bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(&upload.bytes),
        created_at: state.clock.now().naive_utc(),
    };
    let dir = state.settings.attachments_dir.clone();
    storage::put(&dir, &keys, &id, upload.bytes).await?;
    let (auth, stored) = (auth.clone(), row.clone());
    let saved = state
        .db(move |conn| {
            write_tx(conn, |c| {
                let viewer = Viewer::load(c, &auth)?;
                let (case, standing) = open_case(&viewer, c, &case_id)?;
                if !cases::take_attachment_slot(c, &case_id, MAX_FILES_PER_CASE)? {
                    // Closed or filled since it was read: say which, as it is now.
                    return Err(open_case(&viewer, c, &case_id)
                        .err()
                        .unwrap_or_else(|| LegalAidError::TooManyFiles.into()));
                }
                attachments::insert(c, &stored)?;
                AuditEvent::new("legal_aid.attachment.add", "legal_aid_case", &case_id)
                    .by(&auth.account_id, standing.audit_role())
                    .in_org(&case.org_id)
                    .detail(serde_json::json!({ "attachment_id": stored.id, "content_type": stored.content_type.as_str(), "size_bytes": stored.size_bytes }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(())
            })
        })
        .await;
    if let Err(err) = saved {
        storage::remove(&dir, &id).await;
        return Err(err);
    }
    AttachmentDto::new(&keys, &row)
}

/// The file's row and its bytes, for a caller who may see the case.
pub async fn download(
    state: &AppState,
    auth: &Authenticated,
    case_id: CaseId,
    id: AttachmentId,
) -> Result<(AttachmentDto, Vec<u8>), ApiError> {
    let auth = auth.clone();
    let row = state
        .db(move |c| {
            let viewer = Viewer::load(c, &auth)?;
            viewer.case(c, &case_id)?;
            Ok(attachments::find(c, &case_id, &id)?.ok_or(LegalAidError::AttachmentNotFound)?)
        })
        .await?;
    let bytes = storage::get(&state.settings.attachments_dir, &state.data_keys, &row.id).await?;
    Ok((AttachmentDto::new(&state.data_keys, &row)?, bytes))
}

pub async fn remove(
    state: &AppState,
    auth: &Authenticated,
    case_id: CaseId,
    id: AttachmentId,
    ctx: RequestContext,
) -> Result<(), ApiError> {
    let auth = auth.clone();
    let gone = id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |c| {
                let viewer = Viewer::load(c, &auth)?;
                let (case, standing) = viewer.case(c, &case_id)?;
                let row = attachments::find(c, &case_id, &id)?
                    .ok_or(LegalAidError::AttachmentNotFound)?;
                if case.status.is_finished() {
                    return Err(LegalAidError::Finished.into());
                }
                if !standing.is_handler() && row.uploader_id != auth.account_id {
                    return Err(AuthError::Forbidden.into());
                }
                // The slot is given back only while the case is unfinished, in the statement
                // that decides it: a delete racing the closing cannot remove evidence.
                if !cases::release_attachment_slot(c, &case_id)? {
                    return Err(LegalAidError::Finished.into());
                }
                attachments::delete(c, &id)?;
                AuditEvent::new("legal_aid.attachment.remove", "legal_aid_case", &case_id)
                    .by(&auth.account_id, standing.audit_role())
                    .in_org(&case.org_id)
                    .detail(serde_json::json!({ "attachment_id": id }))
                    .record(c, &ctx)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    storage::remove(&state.settings.attachments_dir, &gone).await;
    Ok(())
}

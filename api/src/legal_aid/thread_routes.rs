//! A case's message thread and its evidence files.

use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ContentDisposition, DispositionParam, DispositionType,
    ExtendedValue, HeaderValue, X_CONTENT_TYPE_OPTIONS,
};
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use gangonghui_domain::ids::{AttachmentId, CaseId};
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::MessageBody;
use super::view::{AttachmentDto, MessageDto, MessageListDto};
use super::{attachments, messages, upload};
use crate::audit::RequestContext;
use crate::auth::Authenticated;
use crate::http::pagination::PageQuery;
use crate::http::{ApiError, ValidJson, ValidQuery};
use crate::state::AppState;

/// The thread of a case, oldest first; handlers also see internal notes. Reading a page marks
/// it read (the unread counts fall).
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(("id" = String, Path, description = "Case id"), PageQuery),
    responses((status = 200, body = MessageListDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/legal-aid/requests/{id}/messages")]
pub async fn list_legal_aid_messages(
    state: Data<AppState>,
    auth: Authenticated,
    id: Path<CaseId>,
    query: ValidQuery<PageQuery>,
) -> Result<actix_web::web::Json<MessageListDto>, ApiError> {
    let keyset = query.read()?.keyset()?;
    let thread = messages::page(&state, &auth, id.into_inner(), keyset).await?;
    Ok(actix_web::web::Json(thread))
}

/// Write to the thread; handlers may add an internal note (`internal: true`), also to a
/// finished case.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(("id" = String, Path, description = "Case id")), request_body = MessageBody,
    responses((status = 201, body = MessageDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/legal-aid/requests/{id}/messages")]
pub async fn create_legal_aid_message(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<CaseId>,
    body: ValidJson<MessageBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.read().await?;
    let message = messages::post(&state, &auth, id.into_inner(), body, ctx).await?;
    Ok(HttpResponse::Created().json(message))
}

/// The form of an upload: one part named `file`, nothing else.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceForm {
    /// A PDF, JPEG or PNG file (judged by its content), at most 10 MiB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// Add evidence to an unfinished case (applicant or handler): PDF, JPEG or PNG by content, at
/// most 10 MiB, at most 20 per case. Stored encrypted.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])), params(("id" = String, Path, description = "Case id")),
    request_body(content = EvidenceForm, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentDto), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[post("/legal-aid/requests/{id}/attachments")]
pub async fn upload_legal_aid_attachment(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    id: Path<CaseId>,
    req: HttpRequest,
    payload: Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    attachments::may_upload(&state, &auth, &id).await?;
    let file = upload::read(&req, payload).await?;
    let saved = attachments::add(&state, &auth, id, file, ctx).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Download an evidence file: its bytes with their type and the name it was uploaded with.
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id"), ("aid" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The file", content(
        (Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
        (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[get("/legal-aid/requests/{id}/attachments/{aid}")]
pub async fn download_legal_aid_attachment(
    state: Data<AppState>,
    auth: Authenticated,
    path: Path<(CaseId, AttachmentId)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, id) = path.into_inner();
    let (file, bytes) = attachments::download(&state, &auth, case_id, id).await?;
    Ok(file_response(file, bytes))
}

/// The file as a download: its type, its uploaded name (`filename*`, with an ASCII fallback),
/// never sniffed by a browser and never cached on the way.
fn file_response(file: AttachmentDto, bytes: Vec<u8>) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(&file.file_name)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file.file_name.into_bytes(),
            }),
        ],
    };
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, file.content_type.as_str()))
        .insert_header(disposition)
        .insert_header((X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("private, no-store")))
        .body(bytes)
}

/// The name for clients that ignore `filename*`: ASCII letters, digits, dot, dash and
/// underscore; anything else becomes `_`.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Remove an evidence file from an unfinished case (its uploader or a handler).
#[utoipa::path(tag = "legal-aid", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id"), ("aid" = String, Path, description = "Attachment id")),
    responses((status = 204, description = "Removed"), (status = "4XX", body = gangonghui_openapi::Problem, content_type = "application/problem+json")))]
#[delete("/legal-aid/requests/{id}/attachments/{aid}")]
pub async fn delete_legal_aid_attachment(
    state: Data<AppState>,
    auth: Authenticated,
    ctx: RequestContext,
    path: Path<(CaseId, AttachmentId)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, id) = path.into_inner();
    attachments::remove(&state, &auth, case_id, id, ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Reading one evidence file from a `multipart/form-data` body: the part named `file`, at most
//! `MAX_FILE_BYTES`, with the name the client gave it. Read only after the caller is known to
//! be allowed to add evidence to the case.

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::Payload;
use futures_util::StreamExt;
use gangonghui_domain::legal_aid::evidence::MAX_FILE_BYTES;

use super::LegalAidError;
use crate::http::{ApiError, FieldIssue, FieldIssueKind, Rule};

/// Room for the multipart framing around the file (boundaries, part headers, small fields).
const FRAMING: usize = 64 * 1024;
/// The largest request body the API takes (a load balancer in front must allow it).
pub const MAX_BODY_BYTES: usize = MAX_FILE_BYTES + FRAMING;

pub struct Upload {
    pub bytes: Vec<u8>,
    pub client_name: Option<String>,
}

fn is_form_data(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<actix_web::mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == actix_web::mime::MULTIPART && m.subtype() == actix_web::mime::FORM_DATA
        })
}

fn too_large() -> ApiError {
    LegalAidError::FileTooLarge.into()
}

fn malformed(err: actix_multipart::MultipartError) -> ApiError {
    tracing::debug!(error = %err, "malformed upload");
    LegalAidError::MalformedForm.into()
}

pub async fn read(req: &HttpRequest, payload: Payload) -> Result<Upload, ApiError> {
    if !is_form_data(req) {
        return Err(LegalAidError::FormRequired.into());
    }
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut upload: Option<Upload> = None;
    let mut issues = Vec::new();
    let mut other_bytes = 0usize;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(malformed)?;
        let disposition = part.content_disposition();
        let name = disposition
            .and_then(|d| d.get_name())
            .unwrap_or_default()
            .to_owned();
        let is_file = name == "file" && upload.is_none();
        let client_name = disposition
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        if !is_file {
            // The form has one part, as `deny_unknown_fields` bodies have their fields.
            issues.push(match name.as_str() {
                "file" => FieldIssue::new(
                    "file",
                    FieldIssueKind::Invalid {
                        reason: Rule::Duplicate,
                    },
                ),
                _ => FieldIssue::new(name, FieldIssueKind::UnknownField),
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            if is_file {
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            } else {
                // A refused part is still read to the end, but not without bound.
                other_bytes += chunk.len();
                if other_bytes > FRAMING {
                    return Err(too_large());
                }
            }
        }
        if is_file {
            upload = Some(Upload { bytes, client_name });
        }
    }
    if upload.is_none() {
        issues.push(FieldIssue::new("file", FieldIssueKind::Required));
    }
    match upload {
        Some(upload) if issues.is_empty() => Ok(upload),
        _ => Err(ApiError::Validation(issues)),
    }
}

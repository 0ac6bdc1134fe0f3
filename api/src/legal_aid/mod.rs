//! 法律援助: workers ask their union for legal help; legal-aid officers and union admins in
//! scope review, assign, mediate (诉调对接) and close the cases. Everything a person wrote is
//! sealed at rest; everyone who may not see a case is told it does not exist.

mod access;
mod attachments;
pub mod dto;
mod error;
pub mod messages;
mod notify;
mod problems;
pub mod routes;
mod sealed;
pub mod service;
mod storage;
pub mod thread_routes;
mod upload;
#[cfg(test)]
mod upload_proptests;
pub use upload::MAX_BODY_BYTES;
pub mod view;
pub mod workflow;

pub use error::LegalAidError;

use crate::auth::AuthError;
use crate::doc::Refusals;
use crate::http::error::Answer;
use crate::membership::MemberError;

/// Registers this feature's routes (each once: routing and the spec cannot disagree).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(routes::get_legal_aid_consent)
        .service(routes::get_legal_aid_unread)
        .service(routes::create_legal_aid_request)
        .service(routes::list_legal_aid_requests)
        .service(routes::get_legal_aid_request)
        .service(routes::transition_legal_aid_request)
        .service(thread_routes::list_legal_aid_messages)
        .service(thread_routes::create_legal_aid_message)
        .service(thread_routes::upload_legal_aid_attachment)
        .service(thread_routes::download_legal_aid_attachment)
        .service(thread_routes::delete_legal_aid_attachment);
}

/// What these operations can refuse beyond what their security, body and parameters imply.
pub fn refusals() -> Refusals {
    use LegalAidError as L;
    let not_found = || -> Answer { L::CaseNotFound.into() };
    let forbidden = || -> Answer { AuthError::Forbidden.into() };
    vec![
        ("get_legal_aid_consent", vec![]),
        ("get_legal_aid_unread", vec![]),
        (
            "create_legal_aid_request",
            vec![MemberError::OrgNotFound.into(), L::Duplicate.into()],
        ),
        ("list_legal_aid_requests", vec![]),
        ("get_legal_aid_request", vec![not_found()]),
        (
            "transition_legal_aid_request",
            vec![
                not_found(),
                L::InvalidTransition.into(),
                L::AssigneeChanged.into(),
            ],
        ),
        ("list_legal_aid_messages", vec![not_found()]),
        (
            "create_legal_aid_message",
            vec![not_found(), forbidden(), L::Finished.into()],
        ),
        (
            "upload_legal_aid_attachment",
            vec![
                not_found(),
                L::Finished.into(),
                L::TooManyFiles.into(),
                L::UnsupportedFile.into(),
                L::FormRequired.into(),
                L::MalformedForm.into(),
                L::FileTooLarge.into(),
            ],
        ),
        (
            "download_legal_aid_attachment",
            vec![not_found(), L::AttachmentNotFound.into()],
        ),
        (
            "delete_legal_aid_attachment",
            vec![
                not_found(),
                L::AttachmentNotFound.into(),
                forbidden(),
                L::Finished.into(),
            ],
        ),
    ]
}

//! What legal aid can refuse: each variant a fact, without HTTP (`problems.rs` maps each to its
//! status and code).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumIter)]
pub enum LegalAidError {
    /// Also what a case outside the caller's view answers: no existence oracle.
    #[error("case not found")]
    CaseNotFound,
    #[error("evidence file not found")]
    AttachmentNotFound,
    #[error("an open request for this employer and category exists")]
    Duplicate,
    #[error("this move is not allowed from the case's current state")]
    InvalidTransition,
    #[error("the case is no longer assigned to the expected officer")]
    AssigneeChanged,
    #[error("the case is finished; only internal notes may be added")]
    Finished,
    #[error("the case holds the most evidence files allowed")]
    TooManyFiles,
    #[error("evidence must be a PDF, JPEG or PNG file")]
    UnsupportedFile,
    #[error("an upload is sent as multipart/form-data")]
    FormRequired,
    #[error("the multipart/form-data body is malformed")]
    MalformedForm,
    #[error("an evidence file is at most 10 MiB")]
    FileTooLarge,
}

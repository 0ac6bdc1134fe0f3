//! The personal text of a case, sealed at rest: each value bound to its table, column and row,
//! so a ciphertext moved to another row or column does not open.

use crate::crypto::DataKeys;
use crate::http::ApiError;

/// A sealed column of the legal-aid tables.
#[derive(Debug, Clone, Copy)]
pub enum Sealed {
    Employer,
    Description,
    ContactPhone,
    Reason,
    CourtCaseNo,
    EventNote,
    MessageBody,
    FileName,
    /// The bytes of an evidence file on disk.
    FileBytes,
}

impl Sealed {
    fn column(self) -> &'static str {
        match self {
            Sealed::Employer => "legal_aid_cases.employer_enc",
            Sealed::Description => "legal_aid_cases.description_enc",
            Sealed::ContactPhone => "legal_aid_cases.contact_phone_enc",
            Sealed::Reason => "legal_aid_cases.reason_enc",
            Sealed::CourtCaseNo => "legal_aid_cases.court_case_no_enc",
            Sealed::EventNote => "legal_aid_events.note_enc",
            Sealed::MessageBody => "legal_aid_messages.body_enc",
            Sealed::FileName => "legal_aid_attachments.name_enc",
            Sealed::FileBytes => "legal_aid_attachments.file",
        }
    }

    pub fn binding(self, row_id: &str) -> String {
        format!("{}:{row_id}", self.column())
    }

    pub fn seal(self, keys: &DataKeys, row_id: &str, plaintext: &str) -> String {
        keys.seal(plaintext, &self.binding(row_id))
    }

    /// A value that does not open is a server fault (wrong key, tampering), never the client's.
    pub fn open(self, keys: &DataKeys, row_id: &str, stored: &str) -> Result<String, ApiError> {
        keys.open(stored, &self.binding(row_id))
            .map_err(ApiError::internal)
    }
}

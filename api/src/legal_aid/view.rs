//! What a case looks like to the one asking: opened (decrypted) and masked for them. The contact
//! phone is whole only for the applicant; internal notes never reach the applicant.

use chrono::{DateTime, NaiveDateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::ids::{AccountId, AttachmentId, CaseEventId, CaseId, CaseMessageId, OrgId};
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::evidence::EvidenceKind;
use gangonghui_domain::legal_aid::workflow::{ActorRole, Author, CaseStatus};
use gangonghui_persistence::legal_aid::CaseRow;
use gangonghui_persistence::legal_aid::attachments::AttachmentRow;
use gangonghui_persistence::legal_aid::events::EventRow;
use gangonghui_persistence::legal_aid::messages::MessageRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::access::Standing;
use super::sealed::Sealed;
use crate::crypto::DataKeys;
use crate::http::ApiError;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A case in a list: enough to triage, without the narrative or contact details.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryDto {
    #[schema(value_type = String)]
    pub id: CaseId,
    pub status: CaseStatus,
    pub category: CaseCategory,
    #[schema(value_type = String)]
    pub org_id: OrgId,
    #[schema(value_type = String)]
    pub applicant_id: AccountId,
    pub employer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_amount_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_fen: Option<i64>,
    pub submitted_at: DateTime<Utc>,
    /// The end of the seventh Asia/Shanghai day after submission.
    pub review_due_at: DateTime<Utc>,
    /// Still `submitted` after `review_due_at`.
    pub overdue: bool,
    pub updated_at: DateTime<Utc>,
}

impl CaseSummaryDto {
    pub fn new(keys: &DataKeys, case: &CaseRow, now: DateTime<Utc>) -> Result<Self, ApiError> {
        Ok(CaseSummaryDto {
            id: case.id.clone(),
            status: case.status,
            category: case.category,
            org_id: case.org_id.clone(),
            applicant_id: case.applicant_id.clone(),
            employer_name: Sealed::Employer.open(keys, case.id.as_str(), &case.employer_enc)?,
            claim_amount_fen: case.claim_amount_fen,
            assignee_id: case.assignee_id.clone(),
            recovered_fen: case.recovered_fen,
            submitted_at: utc(case.submitted_at),
            review_due_at: utc(case.review_due_at),
            overdue: case.status == CaseStatus::Submitted && utc(case.review_due_at) < now,
            updated_at: utc(case.updated_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListDto {
    pub items: Vec<CaseSummaryDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRecordDto {
    /// The version of the consent text agreed to.
    pub version: String,
    pub given_at: DateTime<Utc>,
}

/// A case with its history and evidence, as its applicant or a handler sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDto {
    #[serde(flatten)]
    pub summary: CaseSummaryDto,
    pub description: String,
    /// Whole for the applicant; masked (138****0000) for everyone else.
    pub contact_phone: String,
    pub consent: ConsentRecordDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub court_case_no: Option<String>,
    /// Why the request was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When the request was first accepted or rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Messages in the thread the caller did not write and has not read. For the applicant
    /// internal notes never count; a handler's count includes them.
    pub unread_messages: i64,
    /// Every move of the case, oldest first.
    pub history: Vec<EventDto>,
    pub attachments: Vec<AttachmentDto>,
}

/// Everything a case view is made of, loaded in one transaction.
pub struct CaseParts {
    pub case: CaseRow,
    pub standing: Standing,
    pub events: Vec<EventRow>,
    pub attachments: Vec<AttachmentRow>,
    pub unread: i64,
}

impl CaseDto {
    pub fn new(keys: &DataKeys, parts: CaseParts, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let CaseParts {
            case,
            standing,
            events,
            attachments,
            unread,
        } = parts;
        let id = case.id.as_str();
        let phone = Sealed::ContactPhone.open(keys, id, &case.contact_phone_enc)?;
        let contact_phone = match (standing, Phone::parse(&phone)) {
            (Standing::Applicant, _) => phone,
            (_, Ok(phone)) => phone.masked(),
            (_, Err(_)) => "***".to_owned(),
        };
        let open = |field: Sealed, stored: &Option<String>| match stored {
            Some(stored) => field.open(keys, id, stored).map(Some),
            None => Ok(None),
        };
        let reason = open(Sealed::Reason, &case.reason_enc)?;
        let court_case_no = open(Sealed::CourtCaseNo, &case.court_case_no_enc)?;
        Ok(CaseDto {
            summary: CaseSummaryDto::new(keys, &case, now)?,
            description: Sealed::Description.open(keys, id, &case.description_enc)?,
            contact_phone,
            consent: ConsentRecordDto {
                version: case.consent_version.clone(),
                given_at: utc(case.consented_at),
            },
            court_case_no,
            reason,
            decided_at: case.decided_at.map(utc),
            finished_at: case.finished_at.map(utc),
            unread_messages: unread,
            history: events
                .iter()
                .map(|e| EventDto::new(keys, e))
                .collect::<Result<_, _>>()?,
            attachments: attachments
                .iter()
                .map(|a| AttachmentDto::new(keys, a))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// One move of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    #[schema(value_type = String)]
    pub id: CaseEventId,
    /// Absent for the submission itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    #[schema(value_type = String)]
    pub actor_id: AccountId,
    pub actor_role: ActorRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

impl EventDto {
    fn new(keys: &DataKeys, e: &EventRow) -> Result<Self, ApiError> {
        let note = match &e.note_enc {
            Some(stored) => Some(Sealed::EventNote.open(keys, e.id.as_str(), stored)?),
            None => None,
        };
        Ok(EventDto {
            id: e.id.clone(),
            from: e.from_status,
            to: e.to_status,
            actor_id: e.actor_id.clone(),
            actor_role: e.actor_role,
            assignee_id: e.assignee_id.clone(),
            note,
            at: utc(e.at),
        })
    }
}

/// An evidence file's description; the bytes are at its own URL.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    #[schema(value_type = String)]
    pub id: AttachmentId,
    /// The name it was uploaded with (its last path segment, without control characters).
    pub file_name: String,
    /// Decided from the file's content.
    pub content_type: EvidenceKind,
    pub size_bytes: i64,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    #[schema(value_type = String)]
    pub uploaded_by: AccountId,
    pub created_at: DateTime<Utc>,
}

impl AttachmentDto {
    pub fn new(keys: &DataKeys, a: &AttachmentRow) -> Result<Self, ApiError> {
        Ok(AttachmentDto {
            id: a.id.clone(),
            file_name: Sealed::FileName.open(keys, a.id.as_str(), &a.name_enc)?,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
            uploaded_by: a.uploader_id.clone(),
            created_at: utc(a.created_at),
        })
    }
}

/// One message of a case's thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDto {
    #[schema(value_type = String)]
    pub id: CaseMessageId,
    #[schema(value_type = String)]
    pub author_id: AccountId,
    pub author: Author,
    /// An internal note (only handlers ever see these).
    pub internal: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl MessageDto {
    pub fn new(keys: &DataKeys, m: &MessageRow, applicant: &AccountId) -> Result<Self, ApiError> {
        Ok(MessageDto {
            id: m.id.clone(),
            author_id: m.author_id.clone(),
            author: match m.author_id == *applicant {
                true => Author::Applicant,
                false => Author::Handler,
            },
            internal: m.internal,
            body: Sealed::MessageBody.open(keys, m.id.as_str(), &m.body_enc)?,
            created_at: utc(m.created_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageListDto {
    pub items: Vec<MessageDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadDto {
    /// Messages in the caller's own requests they have not read yet.
    pub unread_messages: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentDto {
    /// Send requests knowing this is the version stored with them.
    pub version: &'static str,
    pub text: &'static str,
}

//! Wire types of legal aid: what the member app and the officers' console send.

use gangonghui_domain::Phone;
use gangonghui_domain::ids::{AccountId, OrgId};
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::{CaseStatus, MoveField, fields_for};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::{FieldIssueKind, Issues, Rule};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCaseBody {
    pub category: CaseCategory,
    /// The employer the dispute is with (stored encrypted).
    #[schema(example = "南昌某建筑工程有限公司", min_length = 1, max_length = 100)]
    pub employer_name: String,
    /// What the applicant claims, in fen (at most 1 亿元).
    #[schema(example = 1860000, minimum = 1, maximum = 10_000_000_000_i64)]
    pub claim_amount_fen: Option<i64>,
    /// What happened, in the applicant's words (stored encrypted).
    #[schema(
        example = "2026年9月至11月工资未发放，共计18600元。",
        min_length = 1,
        max_length = 5000
    )]
    pub description: String,
    /// Where the union can reach the applicant (shown masked to officers).
    #[schema(example = "13800000000")]
    pub contact_phone: String,
    /// The applicant's separate consent to the processing of this request's personal data
    /// (PIPL art. 29); must be `true`. See `GET /legal-aid/consent` for the text.
    pub consent: bool,
    /// The union unit asked for help. Required unless the applicant is an active member, whose
    /// request always goes to their own grassroots union (then this is ignored).
    #[schema(value_type = Option<String>)]
    pub org_id: Option<OrgId>,
}

/// A request as checked, its text trimmed.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub category: CaseCategory,
    pub employer_name: String,
    pub claim_amount_fen: Option<i64>,
    pub description: String,
    pub contact_phone: Phone,
    pub org_id: Option<OrgId>,
}

impl CreateCaseBody {
    /// Every field the schema cannot judge, reported together.
    pub fn check(self) -> Result<NewRequest, crate::http::ApiError> {
        let mut issues = Issues::default();
        let employer_name = self.employer_name.trim().to_owned();
        let description = self.description.trim().to_owned();
        if employer_name.is_empty() {
            issues.push("employer_name", FieldIssueKind::Required);
        }
        if description.is_empty() {
            issues.push("description", FieldIssueKind::Required);
        }
        let phone = Phone::parse(self.contact_phone.trim());
        if phone.is_err() {
            issues.push(
                "contact_phone",
                FieldIssueKind::Invalid {
                    reason: Rule::Phone,
                },
            );
        }
        if !self.consent {
            issues.push(
                "consent",
                FieldIssueKind::Invalid {
                    reason: Rule::Consent,
                },
            );
        }
        issues.finish(|| {
            Some(NewRequest {
                category: self.category,
                employer_name,
                claim_amount_fen: self.claim_amount_fen,
                description,
                contact_phone: phone.ok()?,
                org_id: self.org_id,
            })
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    pub status: Option<CaseStatus>,
    pub category: Option<CaseCategory>,
    /// `true`: only submitted requests past their review deadline (`false` or absent: no filter).
    pub overdue: Option<bool>,
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// A move of the case. Which fields a move needs depends on `to` alone: `rejected` needs
/// `reason`, `assigned` needs `assignee_id` (and `expected_assignee_id` when reassigning),
/// `resolved` needs `recovered_fen`; `mediation` may carry `court_case_no`; every move may carry
/// a `note`. A field another move needs is refused (`not_for_this_move`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    pub to: CaseStatus,
    /// Kept in the case's history, which the applicant sees.
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// Why the request is refused (for `rejected`; the applicant sees it).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
    /// The legal-aid officer who will handle the case (for `assigned`).
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<AccountId>,
    /// When reassigning: who the case is assigned to now, as the caller last saw it.
    #[schema(value_type = Option<String>)]
    pub expected_assignee_id: Option<AccountId>,
    /// The court's case number of an entrusted mediation (for `mediation`).
    #[schema(
        example = "（2026）赣0102民诉前调1234号",
        min_length = 1,
        max_length = 64
    )]
    pub court_case_no: Option<String>,
    /// What the worker got back, in fen (for `resolved`; at most 1 亿元).
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub recovered_fen: Option<i64>,
}

impl TransitionBody {
    fn has(&self, field: MoveField) -> bool {
        match field {
            MoveField::Note => self.note.is_some(),
            MoveField::Reason => self.reason.is_some(),
            MoveField::AssigneeId => self.assignee_id.is_some(),
            MoveField::ExpectedAssigneeId => self.expected_assignee_id.is_some(),
            MoveField::CourtCaseNo => self.court_case_no.is_some(),
            MoveField::RecoveredFen => self.recovered_fen.is_some(),
        }
    }

    /// The fields of the move checked against what its target needs and allows; text trimmed
    /// (blank text is missing text).
    pub fn check(mut self) -> Result<TransitionBody, crate::http::ApiError> {
        let trim = |t: &mut Option<String>| {
            *t = t
                .take()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
        };
        let rules = fields_for(self.to);
        let mut issues = Issues::default();
        // A field the move may not carry is refused as sent, blank or not.
        for &field in MoveField::ALL {
            if !rules.allowed.contains(&field) && self.has(field) {
                let reason = Rule::NotForThisMove;
                issues.push(field.name(), FieldIssueKind::Invalid { reason });
            }
        }
        trim(&mut self.note);
        trim(&mut self.reason);
        trim(&mut self.court_case_no);
        for &field in rules.required {
            if !self.has(field) {
                issues.push(field.name(), FieldIssueKind::Required);
            }
        }
        issues.finish(|| Some(self))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// The message (stored encrypted).
    #[schema(
        example = "请补充工资条和考勤记录。",
        min_length = 1,
        max_length = 2000
    )]
    pub body: String,
    /// `true`: an internal note for handlers only; the applicant never sees it. Handlers only.
    #[serde(default)]
    pub internal: bool,
}

#[cfg(test)]
mod tests {
    use gangonghui_domain::legal_aid::{
        COURT_CASE_NO_MAX, DESCRIPTION_MAX, EMPLOYER_MAX, MAX_AMOUNT_FEN, MESSAGE_MAX,
    };
    use serde_json::{Value, json};
    use utoipa::PartialSchema;

    use super::*;

    fn property<T: PartialSchema>(name: &str) -> Value {
        serde_json::to_value(T::schema()).unwrap()["properties"][name].clone()
    }

    /// The bounds the server enforces are the schema's (the request check reads them); they must
    /// be the domain's, or a change to one would silently not reach the other.
    #[test]
    fn the_enforced_bounds_are_the_domains() {
        let checks = [
            (
                property::<CreateCaseBody>("employer_name")["maxLength"].clone(),
                json!(EMPLOYER_MAX),
            ),
            (
                property::<CreateCaseBody>("description")["maxLength"].clone(),
                json!(DESCRIPTION_MAX),
            ),
            (
                property::<CreateCaseBody>("claim_amount_fen")["maximum"].clone(),
                json!(MAX_AMOUNT_FEN),
            ),
            (
                property::<TransitionBody>("recovered_fen")["maximum"].clone(),
                json!(MAX_AMOUNT_FEN),
            ),
            (
                property::<TransitionBody>("note")["maxLength"].clone(),
                json!(MESSAGE_MAX),
            ),
            (
                property::<TransitionBody>("reason")["maxLength"].clone(),
                json!(MESSAGE_MAX),
            ),
            (
                property::<TransitionBody>("court_case_no")["maxLength"].clone(),
                json!(COURT_CASE_NO_MAX),
            ),
            (
                property::<MessageBody>("body")["maxLength"].clone(),
                json!(MESSAGE_MAX),
            ),
        ];
        for (i, (schema, domain)) in checks.into_iter().enumerate() {
            assert_eq!(schema, domain, "bound #{i}");
        }
    }
}

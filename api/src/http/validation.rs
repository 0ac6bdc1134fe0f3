//! The field-issue vocabulary of a 422 and the collector that gathers every bad field of one
//! request, so a mobile form learns all of them at once.

use super::error::ApiError;
use super::i18n::Lang;

/// Why one field of a request body is wrong.
#[derive(Debug, Clone, PartialEq, Eq, strum::EnumIter)]
pub enum FieldIssueKind {
    Required,
    UnknownField,
    /// The JSON type is wrong; `expected` names the allowed JSON types.
    InvalidType {
        expected: String,
    },
    /// Not one of the allowed values.
    NotOneOf {
        allowed: Vec<String>,
    },
    TooShort {
        min: u64,
    },
    TooLong {
        max: u64,
    },
    BelowMinimum {
        min: String,
    },
    AboveMaximum {
        max: String,
    },
    /// Well-typed but breaking a named rule.
    Invalid {
        reason: Rule,
    },
}

/// The named rules a well-typed field can break beyond the schema's own keywords: with the
/// keyword codes (`required`, `too_short`, ...) they are the one documented set of field-error
/// codes, listed as an enum in the spec.
// `Default` only so `FieldIssueKind` can be iterated (its `Invalid` needs a rule to stand in).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Rule {
    Phone,
    OtpFormat,
    /// A new password needs a letter and a digit.
    TooSimple,
    DisplayName,
    LegalName,
    IdNumberFormat,
    IdNumberBirthDate,
    IdNumberCheck,
    Name,
    DivisionCode,
    CreditCode,
    Coordinates,
    Cursor,
    Duplicate,
    EndsAt,
    #[default]
    InvalidValue,
    NotOneOf,
    OfferTerms,
    City,
    Month,
    Date,
    /// Legal aid needs the applicant's separate consent (`consent: true`).
    Consent,
    /// The named account is not a legal-aid officer whose scope holds the case.
    Assignee,
    /// The field has no meaning for the requested move (e.g. `recovered_fen` when accepting).
    NotForThisMove,
    /// A division code outside the parent unit's, or of another level than the new unit's.
    DivisionOutsideParent,
    /// U+0000 in any text: nothing in this API is binary, and the database refuses it.
    NulCharacter,
    /// Another control character or a bidirectional override in a text
    /// ([`gangonghui_domain::text::is_forbidden_in_text`]).
    ControlCharacter,
}

impl Rule {
    /// The one rule for every text a client sends (body, query, keys): the rule it breaks.
    pub fn for_text(text: &str) -> Option<Rule> {
        if text.contains('\0') {
            Some(Rule::NulCharacter)
        } else if text
            .chars()
            .any(gangonghui_domain::text::is_forbidden_in_text)
        {
            Some(Rule::ControlCharacter)
        } else {
            None
        }
    }
}

impl FieldIssueKind {
    pub fn code(&self) -> &'static str {
        match self {
            FieldIssueKind::Required => "required",
            FieldIssueKind::UnknownField => "unknown_field",
            FieldIssueKind::InvalidType { .. } => "invalid_type",
            FieldIssueKind::NotOneOf { .. } => "not_one_of",
            FieldIssueKind::TooShort { .. } => "too_short",
            FieldIssueKind::TooLong { .. } => "too_long",
            FieldIssueKind::BelowMinimum { .. } => "below_minimum",
            FieldIssueKind::AboveMaximum { .. } => "above_maximum",
            FieldIssueKind::Invalid { reason } => (*reason).into(),
        }
    }

    /// Every code a field error can carry, as the spec lists them: the schema keywords' codes,
    /// then every named rule's.
    pub fn codes() -> Vec<&'static str> {
        use strum::IntoEnumIterator;
        let keywords =
            FieldIssueKind::iter().filter(|k| !matches!(k, FieldIssueKind::Invalid { .. }));
        let rules = Rule::iter().map(|rule| FieldIssueKind::Invalid { reason: rule });
        let mut codes: Vec<&'static str> = Vec::new();
        for code in keywords.chain(rules).map(|k| k.code()) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }
}

/// One invalid field: its JSON path and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub kind: FieldIssueKind,
}

impl FieldIssue {
    /// A field name is echoed back to the client: a U+0000 the client put in a key is shown as
    /// U+FFFD (the spec promises no text holds U+0000).
    pub fn new(field: impl Into<String>, kind: FieldIssueKind) -> Self {
        let field: String = field.into();
        FieldIssue {
            field: if field.contains('\0') {
                field.replace('\0', "\u{fffd}")
            } else {
                field
            },
            kind,
        }
    }

    pub(super) fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub(super) fn message(&self, lang: Lang) -> String {
        match (&self.kind, lang) {
            (FieldIssueKind::Required, Lang::Zh) => "必填".into(),
            (FieldIssueKind::Required, Lang::En) => "is required".into(),
            (FieldIssueKind::UnknownField, Lang::Zh) => "不是可接受的字段".into(),
            (FieldIssueKind::UnknownField, Lang::En) => "is not an accepted field".into(),
            (FieldIssueKind::InvalidType { expected }, Lang::Zh) => format!("类型应为 {expected}"),
            (FieldIssueKind::InvalidType { expected }, Lang::En) => {
                format!("must be of type {expected}")
            }
            (FieldIssueKind::NotOneOf { allowed }, Lang::Zh) => {
                format!("应为以下之一: {}", allowed.join(", "))
            }
            (FieldIssueKind::NotOneOf { allowed }, Lang::En) => {
                format!("must be one of: {}", allowed.join(", "))
            }
            (FieldIssueKind::TooShort { min }, Lang::Zh) => format!("长度至少为 {min}"),
            (FieldIssueKind::TooShort { min }, Lang::En) => format!("must be at least {min} long"),
            (FieldIssueKind::TooLong { max }, Lang::Zh) => format!("长度不能超过 {max}"),
            (FieldIssueKind::TooLong { max }, Lang::En) => format!("must be at most {max} long"),
            (FieldIssueKind::BelowMinimum { min }, Lang::Zh) => format!("不能小于 {min}"),
            (FieldIssueKind::BelowMinimum { min }, Lang::En) => format!("must be at least {min}"),
            (FieldIssueKind::AboveMaximum { max }, Lang::Zh) => format!("不能大于 {max}"),
            (FieldIssueKind::AboveMaximum { max }, Lang::En) => format!("must be at most {max}"),
            (FieldIssueKind::Invalid { .. }, Lang::Zh) => "取值无效".into(),
            (FieldIssueKind::Invalid { .. }, Lang::En) => "is not a valid value".into(),
        }
    }
}

/// Collects every invalid field of a body before failing, so one 422 lists them all.
#[derive(Default)]
pub struct Issues(Vec<FieldIssue>);

impl Issues {
    pub fn check<T, E>(&mut self, field: &str, parsed: Result<T, E>, reason: Rule) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(_) => {
                self.0
                    .push(FieldIssue::new(field, FieldIssueKind::Invalid { reason }));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, kind: FieldIssueKind) {
        self.0.push(FieldIssue::new(field, kind));
    }

    /// `Ok(value)` when nothing was wrong; `value` is only built then.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        if !self.0.is_empty() {
            return Err(ApiError::Validation(self.0));
        }
        value().ok_or_else(|| ApiError::internal(anyhow::anyhow!("a parsed field went missing")))
    }
}

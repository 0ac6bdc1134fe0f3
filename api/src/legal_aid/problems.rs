//! How legal aid refuses: each LegalAidError's status, stable code and titles.

use actix_web::http::StatusCode;

use super::LegalAidError;
use crate::http::error::{Answer, Refusal};

impl Refusal for LegalAidError {
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            LegalAidError::CaseNotFound => Answer::new(
                S::NOT_FOUND,
                "case.not_found",
                "法律援助申请不存在",
                "Case not found",
            ),
            LegalAidError::AttachmentNotFound => Answer::new(
                S::NOT_FOUND,
                "attachment.not_found",
                "证据材料不存在",
                "Evidence file not found",
            ),
            LegalAidError::Duplicate => Answer::new(
                S::CONFLICT,
                "case.duplicate",
                "您已就该单位的同类事项提交过申请，正在办理中",
                "An open request for this employer and category exists",
            ),
            LegalAidError::InvalidTransition => Answer::new(
                S::CONFLICT,
                "case.invalid_transition",
                "案件当前状态不允许此操作",
                "Not possible in the case's current state",
            ),
            LegalAidError::AssigneeChanged => Answer::new(
                S::CONFLICT,
                "case.assignee_changed",
                "案件承办人已变更，请刷新后重试",
                "The case's handler has changed; reload and retry",
            ),
            LegalAidError::Finished => Answer::new(
                S::CONFLICT,
                "case.finished",
                "案件已办结，不能再修改",
                "The case is finished and read-only",
            ),
            LegalAidError::TooManyFiles => Answer::new(
                S::CONFLICT,
                "attachment.limit_reached",
                "证据材料数量已达上限",
                "The case holds the most files allowed",
            ),
            LegalAidError::UnsupportedFile => Answer::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "attachment.unsupported_type",
                "证据材料须为 PDF、JPEG 或 PNG 文件",
                "Evidence must be a PDF, JPEG or PNG file",
            ),
            LegalAidError::FormRequired => Answer::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "attachment.form_required",
                "请以 multipart/form-data 上传文件",
                "Upload the file as multipart/form-data",
            ),
            LegalAidError::MalformedForm => Answer::new(
                S::BAD_REQUEST,
                "attachment.malformed_form",
                "上传内容不是合法的 multipart/form-data",
                "The multipart/form-data body is malformed",
            ),
            LegalAidError::FileTooLarge => Answer::new(
                S::PAYLOAD_TOO_LARGE,
                "attachment.too_large",
                "证据材料不能超过 10 MiB",
                "An evidence file is at most 10 MiB",
            ),
        }
    }
}

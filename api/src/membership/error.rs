//! What org units, membership and cards can refuse, each with its status and stable code.

use actix_web::http::StatusCode;

use crate::http::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("org unit not found or outside the caller's scope")]
    OrgNotFound,
    #[error("a unit of that level cannot sit there")]
    OrgLevelInvalid,
    #[error("a unit with that name already exists there")]
    OrgDuplicate,
    #[error("real-name verification required")]
    RealNameRequired,
    #[error("an application is already open")]
    ApplicationOpen,
    #[error("already an active member")]
    AlreadyMember,
    #[error("members join grassroots unions")]
    NotGrassroots,
    #[error("application already decided")]
    AlreadyDecided,
    #[error("member not found")]
    MemberNotFound,
    #[error("card not found")]
    CardNotFound,
    #[error("card cannot change that way now")]
    CardInvalidTransition,
    #[error("card is frozen")]
    CardFrozen,
    #[error("card is reported lost")]
    CardLost,
    #[error("card is cancelled")]
    CardCancelled,
    #[error("code invalid")]
    CodeInvalid,
    #[error("code expired")]
    CodeExpired,
    #[error("code already used")]
    CodeUsed,
    #[error("both current codes are used; wait for the next step")]
    CodesExhausted { retry_after: u64 },
}

impl MemberError {
    pub fn kind(&self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            MemberError::OrgNotFound => (S::NOT_FOUND, "org.not_found"),
            MemberError::OrgLevelInvalid => (S::UNPROCESSABLE_ENTITY, "org.level_invalid"),
            MemberError::OrgDuplicate => (S::CONFLICT, "org.duplicate"),
            MemberError::RealNameRequired => (S::CONFLICT, "member.real_name_required"),
            MemberError::ApplicationOpen => (S::CONFLICT, "membership.application_open"),
            MemberError::AlreadyMember => (S::CONFLICT, "membership.already_active"),
            MemberError::NotGrassroots => (S::UNPROCESSABLE_ENTITY, "membership.not_grassroots"),
            MemberError::AlreadyDecided => (S::CONFLICT, "membership.already_decided"),
            MemberError::MemberNotFound => (S::NOT_FOUND, "member.not_found"),
            MemberError::CardNotFound => (S::NOT_FOUND, "card.not_found"),
            MemberError::CardInvalidTransition => (S::CONFLICT, "card.invalid_transition"),
            MemberError::CardFrozen => (S::UNPROCESSABLE_ENTITY, "card.frozen"),
            MemberError::CardLost => (S::UNPROCESSABLE_ENTITY, "card.lost"),
            MemberError::CardCancelled => (S::UNPROCESSABLE_ENTITY, "card.cancelled"),
            MemberError::CodeInvalid => (S::UNPROCESSABLE_ENTITY, "code.invalid"),
            MemberError::CodeExpired => (S::UNPROCESSABLE_ENTITY, "code.expired"),
            MemberError::CodeUsed => (S::CONFLICT, "code.used"),
            MemberError::CodesExhausted { .. } => (S::TOO_MANY_REQUESTS, "code.exhausted"),
        }
    }

    pub fn retry_after(&self) -> Option<u64> {
        match self {
            MemberError::CodesExhausted { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        match self {
            MemberError::OrgNotFound => lang.pick("工会组织不存在", "Org unit not found"),
            MemberError::OrgLevelInvalid => lang.pick(
                "该层级的组织不能建在此处",
                "That level cannot sit under this unit",
            ),
            MemberError::OrgDuplicate => {
                lang.pick("同名组织已存在", "A unit with that name exists there")
            }
            MemberError::RealNameRequired => {
                lang.pick("请先完成实名认证", "Verify your real name first")
            }
            MemberError::ApplicationOpen => {
                lang.pick("已有待审核的入会申请", "An application is already pending")
            }
            MemberError::AlreadyMember => lang.pick("已是工会会员", "Already an active member"),
            MemberError::NotGrassroots => lang.pick("请选择基层工会", "Choose a grassroots union"),
            MemberError::AlreadyDecided => lang.pick("该申请已处理", "Application already decided"),
            MemberError::MemberNotFound => lang.pick("会员不存在", "Member not found"),
            MemberError::CardNotFound => lang.pick("会员卡不存在", "Card not found"),
            MemberError::CardInvalidTransition => lang.pick(
                "会员卡当前状态不允许此操作",
                "Not possible in the card's state",
            ),
            MemberError::CardFrozen => lang.pick("会员卡已冻结", "Card is frozen"),
            MemberError::CardLost => lang.pick("会员卡已挂失", "Card is reported lost"),
            MemberError::CardCancelled => lang.pick("会员卡已注销", "Card is cancelled"),
            MemberError::CodeInvalid => lang.pick("会员码无效", "Code invalid"),
            MemberError::CodeExpired => {
                lang.pick("会员码已过期, 请刷新", "Code expired; refresh it")
            }
            MemberError::CodeUsed => lang.pick("会员码已使用", "Code already used"),
            MemberError::CodesExhausted { .. } => lang.pick(
                "会员码使用过于频繁, 请稍候",
                "Codes used up for now; wait a moment",
            ),
        }
    }
}

//! How org units, membership and cards refuse: each MemberError's status, stable code and titles.

use actix_web::http::StatusCode;

use super::MemberError;
use crate::http::error::{Answer, Refusal};

impl Refusal for MemberError {
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            MemberError::OrgNotFound => Answer::new(
                S::NOT_FOUND,
                "org.not_found",
                "工会组织不存在",
                "Org unit not found",
            ),
            // The parent exists; its level is what a unit of this level cannot sit under.
            MemberError::OrgLevelInvalid => Answer::new(
                S::CONFLICT,
                "org.level_invalid",
                "该层级的组织不能建在此处",
                "That level cannot sit under this unit",
            ),
            MemberError::OrgDuplicate => Answer::new(
                S::CONFLICT,
                "org.duplicate",
                "同名组织已存在",
                "A unit with that name exists there",
            ),
            MemberError::RealNameRequired => Answer::new(
                S::CONFLICT,
                "member.real_name_required",
                "请先完成实名认证",
                "Verify your real name first",
            ),
            MemberError::ApplicationOpen => Answer::new(
                S::CONFLICT,
                "membership.application_open",
                "已有待审核的入会申请",
                "An application is already pending",
            ),
            MemberError::AlreadyMember => Answer::new(
                S::CONFLICT,
                "membership.already_active",
                "已是工会会员",
                "Already an active member",
            ),
            // The unit exists and the request is well formed; the unit's level is what conflicts.
            MemberError::NotGrassroots => Answer::new(
                S::CONFLICT,
                "membership.not_grassroots",
                "请选择基层工会",
                "Choose a grassroots union",
            ),
            MemberError::AlreadyDecided => Answer::new(
                S::CONFLICT,
                "membership.already_decided",
                "该申请已处理",
                "Application already decided",
            ),
            MemberError::MemberNotFound => Answer::new(
                S::NOT_FOUND,
                "member.not_found",
                "会员不存在",
                "Member not found",
            ),
            MemberError::OwnRecord => Answer::new(
                S::FORBIDDEN,
                "member.own_record",
                "不能审批或调整本人的会员记录, 请由其他工作人员办理",
                "Your own membership is decided by another officer",
            ),
            MemberError::ReplacementLimit => Answer::new(
                S::CONFLICT,
                "card.replacement_limit",
                "30 天内最多补办 3 次会员卡, 请联系工会",
                "At most 3 replacement cards in 30 days; contact your union",
            ),
            MemberError::CardNotFound => Answer::new(
                S::NOT_FOUND,
                "card.not_found",
                "会员卡不存在",
                "Card not found",
            ),
            MemberError::CardInvalidTransition => Answer::new(
                S::CONFLICT,
                "card.invalid_transition",
                "会员卡当前状态不允许此操作",
                "Not possible in the card's state",
            ),
            MemberError::CardFrozen => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "card.frozen",
                "会员卡已冻结",
                "Card is frozen",
            ),
            MemberError::CardLost => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "card.lost",
                "会员卡已挂失",
                "Card is reported lost",
            ),
            MemberError::CardCancelled => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "card.cancelled",
                "会员卡已注销",
                "Card is cancelled",
            ),
            MemberError::OwnCardFrozen => {
                Answer::new(S::CONFLICT, "card.frozen", "会员卡已冻结", "Card is frozen")
            }
            MemberError::OwnCardLost => Answer::new(
                S::CONFLICT,
                "card.lost",
                "会员卡已挂失",
                "Card is reported lost",
            ),
            MemberError::OwnCardCancelled => Answer::new(
                S::CONFLICT,
                "card.cancelled",
                "会员卡已注销",
                "Card is cancelled",
            ),
            MemberError::CodeInvalid => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "code.invalid",
                "会员码无效",
                "Code invalid",
            ),
            MemberError::CodeExpired => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "code.expired",
                "会员码已过期, 请刷新",
                "Code expired; refresh it",
            ),
            MemberError::CodeUsed => Answer::new(
                S::CONFLICT,
                "code.used",
                "会员码已使用",
                "Code already used",
            ),
            MemberError::CodesExhausted { retry_after } => Answer::new(
                S::TOO_MANY_REQUESTS,
                "code.exhausted",
                "会员码使用过于频繁, 请稍候",
                "Codes used up for now; wait a moment",
            )
            .retry_after(*retry_after),
        }
    }
}

//! What merchant onboarding, staff and discovery can refuse.

use actix_web::http::StatusCode;
use gangonghui_domain::offer::OfferRefusal;

use crate::http::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerchantError {
    #[error("merchant not found")]
    NotFound,
    #[error("a merchant with that credit code exists")]
    CreditCodeTaken,
    #[error("an application for that credit code is open")]
    ApplicationOpen,
    #[error("application already decided")]
    AlreadyDecided,
    #[error("the account is staff of another merchant")]
    StaffElsewhere,
    #[error("no account with that phone")]
    AccountNotFound,
    #[error("the merchant is suspended")]
    Suspended,
    #[error("not possible in the merchant's state")]
    InvalidTransition,
    #[error("only the owner may do this")]
    OwnerOnly,
    #[error("offer not found")]
    OfferNotFound,
    #[error("offer paused or outside its window")]
    OfferInactive,
    #[error("the member is not in the offer's audience")]
    OfferNotEligible,
    #[error("amount below the offer's threshold")]
    BelowThreshold,
    #[error("the member's limit for this offer is used up")]
    LimitReached,
    #[error("the offer is sold out")]
    SoldOut,
    #[error("redemption not found")]
    RedemptionNotFound,
    #[error("redemption already reversed")]
    AlreadyReversed,
    #[error("the reversal window has passed")]
    ReversalWindowPassed,
}

impl From<OfferRefusal> for MerchantError {
    fn from(refusal: OfferRefusal) -> Self {
        match refusal {
            OfferRefusal::Inactive => MerchantError::OfferInactive,
            OfferRefusal::NotEligible => MerchantError::OfferNotEligible,
            OfferRefusal::LimitReached => MerchantError::LimitReached,
        }
    }
}

impl MerchantError {
    pub fn kind(&self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            MerchantError::NotFound => (S::NOT_FOUND, "merchant.not_found"),
            MerchantError::CreditCodeTaken => (S::CONFLICT, "merchant.credit_code_taken"),
            MerchantError::ApplicationOpen => (S::CONFLICT, "merchant.application_open"),
            MerchantError::AlreadyDecided => (S::CONFLICT, "merchant.already_decided"),
            MerchantError::StaffElsewhere => (S::CONFLICT, "merchant.staff_elsewhere"),
            MerchantError::AccountNotFound => (S::NOT_FOUND, "account.not_found"),
            MerchantError::Suspended => (S::FORBIDDEN, "merchant.suspended"),
            MerchantError::InvalidTransition => (S::CONFLICT, "merchant.invalid_transition"),
            MerchantError::OwnerOnly => (S::FORBIDDEN, "merchant.owner_only"),
            MerchantError::OfferNotFound => (S::NOT_FOUND, "offer.not_found"),
            MerchantError::OfferInactive => (S::UNPROCESSABLE_ENTITY, "offer.inactive"),
            MerchantError::OfferNotEligible => (S::UNPROCESSABLE_ENTITY, "offer.not_eligible"),
            MerchantError::BelowThreshold => (S::UNPROCESSABLE_ENTITY, "offer.below_threshold"),
            MerchantError::LimitReached => (S::CONFLICT, "offer.limit_reached"),
            MerchantError::SoldOut => (S::CONFLICT, "offer.sold_out"),
            MerchantError::RedemptionNotFound => (S::NOT_FOUND, "redemption.not_found"),
            MerchantError::AlreadyReversed => (S::CONFLICT, "redemption.already_reversed"),
            MerchantError::ReversalWindowPassed => {
                (S::CONFLICT, "redemption.reversal_window_passed")
            }
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        match self {
            MerchantError::NotFound => lang.pick("商户不存在", "Merchant not found"),
            MerchantError::CreditCodeTaken => lang.pick(
                "该统一社会信用代码已入驻",
                "A merchant with that credit code exists",
            ),
            MerchantError::ApplicationOpen => lang.pick(
                "该统一社会信用代码已有待审核申请",
                "An application for that credit code is pending",
            ),
            MerchantError::AlreadyDecided => {
                lang.pick("该申请已处理", "Application already decided")
            }
            MerchantError::StaffElsewhere => lang.pick(
                "该账号已是其他商户的店员",
                "That account is staff of another merchant",
            ),
            MerchantError::AccountNotFound => {
                lang.pick("该手机号尚未注册", "No account with that phone")
            }
            MerchantError::Suspended => lang.pick("商户已暂停合作", "The merchant is suspended"),
            MerchantError::InvalidTransition => lang.pick(
                "商户当前状态不允许此操作",
                "Not possible in the merchant's state",
            ),
            MerchantError::OwnerOnly => lang.pick("仅店主可操作", "Only the owner may do this"),
            MerchantError::OfferNotFound => lang.pick("优惠不存在", "Offer not found"),
            MerchantError::OfferInactive => lang.pick(
                "优惠未开始、已结束或已暂停",
                "Offer paused or outside its dates",
            ),
            MerchantError::OfferNotEligible => {
                lang.pick("该会员不符合优惠条件", "The member is not eligible")
            }
            MerchantError::BelowThreshold => lang.pick(
                "消费金额未达到优惠门槛",
                "Amount below the offer's threshold",
            ),
            MerchantError::LimitReached => {
                lang.pick("该会员本期优惠次数已用完", "The member's uses are used up")
            }
            MerchantError::SoldOut => lang.pick("优惠名额已抢完", "The offer is sold out"),
            MerchantError::RedemptionNotFound => {
                lang.pick("核销记录不存在", "Redemption not found")
            }
            MerchantError::AlreadyReversed => lang.pick("该笔核销已冲正", "Already reversed"),
            MerchantError::ReversalWindowPassed => {
                lang.pick("已超过 7 天冲正期限", "Past the 7-day reversal window")
            }
        }
    }
}

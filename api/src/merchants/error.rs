//! What merchant onboarding, staff and discovery can refuse.

use actix_web::http::StatusCode;

use crate::i18n::Lang;

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
        }
    }
}

//! How the merchant features refuse: each MerchantError's status, stable code and titles.

use actix_web::http::StatusCode;

use super::MerchantError;
use crate::http::error::{Answer, Refusal};

impl Refusal for MerchantError {
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            MerchantError::NotFound => Answer::new(
                S::NOT_FOUND,
                "merchant.not_found",
                "商户不存在",
                "Merchant not found",
            ),
            MerchantError::CreditCodeTaken => Answer::new(
                S::CONFLICT,
                "merchant.credit_code_taken",
                "该统一社会信用代码已入驻",
                "A merchant with that credit code exists",
            ),
            MerchantError::ApplicationOpen => Answer::new(
                S::CONFLICT,
                "merchant.application_open",
                "该统一社会信用代码已有待审核申请",
                "An application for that credit code is pending",
            ),
            MerchantError::AlreadyDecided => Answer::new(
                S::CONFLICT,
                "merchant.already_decided",
                "该申请已处理",
                "Application already decided",
            ),
            MerchantError::StaffElsewhere => Answer::new(
                S::CONFLICT,
                "merchant.staff_elsewhere",
                "该账号已是其他商户的店员",
                "That account is staff of another merchant",
            ),
            MerchantError::InvitationNotFound => Answer::new(
                S::NOT_FOUND,
                "staff_invitation.not_found",
                "邀请不存在",
                "Invitation not found",
            ),
            MerchantError::InvitationClosed => Answer::new(
                S::CONFLICT,
                "staff_invitation.closed",
                "该邀请已处理或已撤回",
                "The invitation was already answered or revoked",
            ),
            MerchantError::InvitationExpired => Answer::new(
                S::CONFLICT,
                "staff_invitation.expired",
                "该邀请已过期",
                "The invitation has expired",
            ),
            // The figure is staff_invitation::MAX_OPEN.
            MerchantError::InvitationLimitReached => Answer::new(
                S::CONFLICT,
                "staff_invitation.limit_reached",
                "待接受的店员邀请已达 50 个，请撤回部分邀请或等待其过期",
                "The merchant already has 50 open invitations: revoke some or let them expire",
            ),
            MerchantError::Suspended => Answer::new(
                S::FORBIDDEN,
                "merchant.suspended",
                "商户已暂停合作",
                "The merchant is suspended",
            ),
            MerchantError::InvalidTransition => Answer::new(
                S::CONFLICT,
                "merchant.invalid_transition",
                "商户当前状态不允许此操作",
                "Not possible in the merchant's state",
            ),
            MerchantError::OwnerOnly => Answer::new(
                S::FORBIDDEN,
                "merchant.owner_only",
                "仅店主可操作",
                "Only the owner may do this",
            ),
            MerchantError::OfferNotFound => Answer::new(
                S::NOT_FOUND,
                "offer.not_found",
                "优惠不存在",
                "Offer not found",
            ),
            MerchantError::OfferInactive => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "offer.inactive",
                "优惠未开始、已结束或已暂停",
                "Offer paused or outside its dates",
            ),
            MerchantError::OfferNotEligible => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "offer.not_eligible",
                "该会员不符合优惠条件",
                "The member is not eligible",
            ),
            MerchantError::BelowThreshold => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "offer.below_threshold",
                "消费金额未达到优惠门槛",
                "Amount below the offer's threshold",
            ),
            MerchantError::LimitReached => Answer::new(
                S::CONFLICT,
                "offer.limit_reached",
                "该会员本期优惠次数已用完",
                "The member's uses are used up",
            ),
            MerchantError::OwnCard => Answer::new(
                S::FORBIDDEN,
                "redemption.own_card",
                "店员不能为本人的会员卡核销优惠, 请由其他店员办理",
                "Staff cannot redeem their own card; another staff member can",
            ),
            MerchantError::SoldOut => Answer::new(
                S::CONFLICT,
                "offer.sold_out",
                "优惠名额已抢完",
                "The offer is sold out",
            ),
            MerchantError::RedemptionNotFound => Answer::new(
                S::NOT_FOUND,
                "redemption.not_found",
                "核销记录不存在",
                "Redemption not found",
            ),
            MerchantError::AlreadyReversed => Answer::new(
                S::CONFLICT,
                "redemption.already_reversed",
                "该笔核销已冲正",
                "Already reversed",
            ),
            MerchantError::ReversalWindowPassed => Answer::new(
                S::CONFLICT,
                "redemption.reversal_window_passed",
                "已超过 7 天冲正期限",
                "Past the 7-day reversal window",
            ),
        }
    }
}

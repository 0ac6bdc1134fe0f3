//! What the merchant features can refuse: each variant a fact, without HTTP (`problems.rs`
//! maps each to its status and code).

use gangonghui_domain::offer::OfferRefusal;
use gangonghui_domain::staff_invitation::NotOpen;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumIter)]
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
    #[error("staff invitation not found")]
    InvitationNotFound,
    #[error("the invitation was already answered or revoked")]
    InvitationClosed,
    #[error("the invitation has expired")]
    InvitationExpired,
    #[error("the merchant has as many open invitations as it may")]
    InvitationLimitReached,
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
    /// Separation of duties: a counter does not serve its own staff's card.
    #[error("staff cannot redeem their own card")]
    OwnCard,
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

impl From<NotOpen> for MerchantError {
    fn from(not_open: NotOpen) -> Self {
        match not_open {
            NotOpen::Expired => MerchantError::InvitationExpired,
            NotOpen::Closed => MerchantError::InvitationClosed,
        }
    }
}

//! What org units, membership and cards can refuse: each variant a fact, without HTTP
//! (`problems.rs` maps each to its status and code).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumIter)]
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
    /// Separation of duties: nobody decides their own membership or sets their own grades.
    #[error("an officer cannot act on their own membership")]
    OwnRecord,
    #[error("card replaced too often recently")]
    ReplacementLimit,
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
    // The member's own card cannot show a code: the request is fine, the card's state is not.
    #[error("own card is frozen")]
    OwnCardFrozen,
    #[error("own card is reported lost")]
    OwnCardLost,
    #[error("own card is cancelled")]
    OwnCardCancelled,
    #[error("code invalid")]
    CodeInvalid,
    #[error("code expired")]
    CodeExpired,
    #[error("code already used")]
    CodeUsed,
    #[error("both current codes are used; wait for the next step")]
    CodesExhausted { retry_after: u64 },
}

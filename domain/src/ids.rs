//! Typed ids: one newtype per kind of row, so an account id cannot be passed where a card id is
//! expected. Each wraps the id's text (a UUIDv7 made by persistence, or one of the fixed ids the
//! migrations seed, such as the province's org units) and is stored and sent as that text.
//!
//! Ids are opaque: any text converts into one, because an id that names no row is an answer the
//! database gives (not found), not a format error the domain could know about.

/// Defines an opaque id type over its text: `as_str`, `From<String>`/`From<&str>` (what rows and
/// requests read), `From<Id> for String` (what rows write), `Display`, and `Debug` and serde as a
/// plain string.
#[macro_export]
macro_rules! id_type {
    ($( $(#[$meta:meta])* $ty:ident ),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $ty(String);

        impl $ty {
            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $ty {
            fn from(value: String) -> Self {
                $ty(value)
            }
        }

        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                $ty(value.to_owned())
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }

        impl From<&$ty> for String {
            fn from(value: &$ty) -> String {
                value.0.clone()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Debug-prints as the bare text (`"0193…"`), as the `String` ids did: log lines and
        /// messages that show an id read the same as before the ids were typed.
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

id_type! {
    /// An account: a member, a merchant's staff or an operator.
    AccountId,
    /// One role granted to an account (a row of `account_roles`).
    GrantId,
    /// A login session.
    SessionId,
    /// A one-time code sent by SMS.
    OtpId,
    /// A union org unit.
    OrgId,
    /// An application to join the union.
    MembershipApplicationId,
    /// A benefit card.
    CardId,
    /// An application to become a partner merchant.
    MerchantApplicationId,
    /// A partner merchant.
    MerchantId,
    /// A merchant's API key for counter terminals.
    ApiKeyId,
    /// An owner's invitation of a phone number to a merchant's staff.
    StaffInvitationId,
    /// A merchant's offer.
    OfferId,
    /// A discounted purchase recorded at the counter.
    RedemptionId,
    /// The reversal of a redemption.
    ReversalId,
    CaseId,
    CaseEventId,
    CaseMessageId,
    AttachmentId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_in_every_direction() {
        let id = OrgId::from("00000000-0000-7000-8000-000000360100");
        assert_eq!(id.as_str(), "00000000-0000-7000-8000-000000360100");
        assert_eq!(id.to_string(), id.as_str());
        assert_eq!(
            format!("{id:?}"),
            "\"00000000-0000-7000-8000-000000360100\""
        );
        assert_eq!(String::from(&id), id.as_str());
        assert_eq!(OrgId::from(String::from(id.clone())), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"00000000-0000-7000-8000-000000360100\"");
        assert_eq!(serde_json::from_str::<OrgId>(&json).unwrap(), id);
    }

    #[test]
    fn ids_order_by_their_text() {
        assert!(CardId::from("0190a") < CardId::from("0190b"));
    }
}

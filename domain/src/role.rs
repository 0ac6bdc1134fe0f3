//! The roles an account can hold. Operator roles are scoped to an org unit; staff to a merchant.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    MerchantStaff,
    UnionAdmin,
    LegalAidOfficer,
}

impl Role {
    /// The stable name stored in the database and written to the audit log.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::MerchantStaff => "merchant_staff",
            Role::UnionAdmin => "union_admin",
            Role::LegalAidOfficer => "legal_aid_officer",
        }
    }
}

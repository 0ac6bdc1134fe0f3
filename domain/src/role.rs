//! The roles an account can hold. Operator roles are scoped to an org unit; staff to a merchant.

crate::text_enum! {
    /// A role an account holds; operator roles are scoped to an org unit, staff to a merchant.
    pub enum Role {
        Member = "member",
        MerchantStaff = "merchant_staff",
        UnionAdmin = "union_admin",
        LegalAidOfficer = "legal_aid_officer",
    }
}

impl Role {}

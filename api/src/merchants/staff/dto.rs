//! Wire types of staff, staff invitations and POS API keys.

use chrono::{DateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::ids::{AccountId, ApiKeyId, MerchantId, StaffInvitationId};
use gangonghui_domain::staff_invitation::InvitationStatus;
use gangonghui_persistence::merchants::invitations::InvitationRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::{ApiError, Issues};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteStaffBody {
    #[schema(example = "13800000001", max_length = 14)]
    pub phone: String,
}

impl InviteStaffBody {
    /// The number to invite, checked (422 naming `phone` otherwise).
    pub fn phone(&self) -> Result<Phone, ApiError> {
        let mut issues = Issues::default();
        let phone = crate::auth::dto::phone(&mut issues, "phone", &self.phone);
        issues.finish(|| phone)
    }
}

/// An invitation as the owner sees it. It never says whether the number has an account, or
/// whether that account declined: an invitation stays listed until it is accepted (the account
/// then appears among the staff), revoked or expired.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffInvitationDto {
    #[schema(value_type = String)]
    pub id: StaffInvitationId,
    /// The invited number, masked.
    #[schema(example = "138****0001")]
    pub phone: String,
    pub created_at: DateTime<Utc>,
    /// After this the invitation can no longer be accepted (7 days after it was made).
    pub expires_at: DateTime<Utc>,
}

impl From<InvitationRow> for StaffInvitationDto {
    fn from(row: InvitationRow) -> Self {
        StaffInvitationDto {
            id: row.id,
            phone: row.phone_masked,
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffInvitationListDto {
    pub items: Vec<StaffInvitationDto>,
    pub next_cursor: Option<String>,
}

/// An invitation as the invited account sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyStaffInvitationDto {
    #[schema(value_type = String)]
    pub id: StaffInvitationId,
    #[schema(value_type = String)]
    pub merchant_id: MerchantId,
    #[schema(example = "老表家常菜")]
    pub merchant_name: String,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<(InvitationRow, String)> for MyStaffInvitationDto {
    fn from((row, merchant_name): (InvitationRow, String)) -> Self {
        MyStaffInvitationDto {
            id: row.id,
            merchant_id: row.merchant_id,
            merchant_name,
            status: row.status,
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyStaffInvitationListDto {
    pub items: Vec<MyStaffInvitationDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffDto {
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub display_name: String,
    /// Masked.
    pub phone: String,
    pub owner: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffListDto {
    pub items: Vec<StaffDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyBody {
    #[schema(example = "收银台 1 号", min_length = 1, max_length = 64)]
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreatedDto {
    #[schema(value_type = String)]
    pub id: ApiKeyId,
    /// Send as `X-Api-Key`. Shown only in this answer; store it in the POS now.
    pub key: String,
    pub label: String,
}

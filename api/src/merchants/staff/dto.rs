//! Wire types of staff and POS API keys.

use gangonghui_domain::ids::{AccountId, ApiKeyId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddStaffBody {
    #[schema(example = "13800000001", max_length = 14)]
    pub phone: String,
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

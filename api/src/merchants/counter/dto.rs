//! Wire types of the counter: verification and redemption.

use super::service::RedeemCmd;
use chrono::{DateTime, Utc};
use gangonghui_domain::Fen;
use gangonghui_domain::ids::{MerchantId, OfferId, RedemptionId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The 22-digit code or the QR payload.
    #[schema(example = "3601000000000017123456", max_length = 64)]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibleOfferDto {
    #[schema(value_type = String)]
    pub offer_id: OfferId,
    pub title: String,
    /// Uses left for this member in the offer's period; null when unlimited.
    pub remaining_for_member: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// `active` (other states answer 422 `card.frozen`, `card.lost`, `card.cancelled`).
    pub card_status: gangonghui_domain::card::CardStatus,
    /// Masked: `王**`.
    pub holder_name: String,
    pub eligible_offers: Vec<EligibleOfferDto>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemBody {
    /// The 22-digit code or the QR payload shown by the member.
    #[schema(example = "3601000000000017123456", max_length = 64)]
    pub code: String,
    #[schema(value_type = String)]
    pub offer_id: OfferId,
    /// The purchase before discount, in fen (at most 1 亿元).
    #[schema(example = 12800, minimum = 1, maximum = 10_000_000_000_i64)]
    pub amount_fen: i64,
}

impl From<RedeemBody> for RedeemCmd {
    fn from(body: RedeemBody) -> Self {
        RedeemCmd {
            code: body.code,
            offer_id: body.offer_id,
            amount: Fen::new(body.amount_fen),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionDto {
    #[schema(value_type = String)]
    pub id: RedemptionId,
    #[schema(value_type = String)]
    pub merchant_id: MerchantId,
    #[schema(value_type = String)]
    pub offer_id: OfferId,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub created_at: DateTime<Utc>,
}

impl From<gangonghui_persistence::redemptions::RedemptionRow> for RedemptionDto {
    fn from(r: gangonghui_persistence::redemptions::RedemptionRow) -> Self {
        RedemptionDto {
            id: r.id,
            merchant_id: r.merchant_id,
            offer_id: r.offer_id,
            original_fen: r.original_fen,
            discount_fen: r.discount_fen,
            payable_fen: r.payable_fen,
            created_at: r.created_at.and_utc(),
        }
    }
}

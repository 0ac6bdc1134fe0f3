//! Wire types of benefit cards and counter codes.

use chrono::{DateTime, Utc};
use gangonghui_domain::card::CardStatus;
use gangonghui_domain::ids::CardId;
use gangonghui_persistence::cards::CardRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cards::codes::CounterCode;

#[derive(Debug, Serialize, ToSchema)]
pub struct CardDto {
    #[schema(value_type = String)]
    pub id: CardId,
    /// 16 digits, no spaces.
    #[schema(example = "3601000000000017")]
    pub card_no: String,
    /// `active`, `frozen`, `lost` or `cancelled`.
    pub status: CardStatus,
    pub issued_at: DateTime<Utc>,
    pub holder_name: String,
}

impl CardDto {
    pub fn new(card: CardRow, holder_name: String) -> Self {
        CardDto {
            id: card.id,
            card_no: card.card_no,
            status: card.status,
            issued_at: card.issued_at.and_utc(),
            holder_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounterCodeDto {
    /// 22 digits a cashier can type: the card number, then the one-time part.
    #[schema(example = "3601000000000017123456")]
    pub code: String,
    /// The same for a QR code: `GGH1:` and the 22 digits.
    #[schema(example = "GGH1:3601000000000017123456")]
    pub qr_payload: String,
    pub expires_at: DateTime<Utc>,
}

impl From<CounterCode> for CounterCodeDto {
    fn from(c: CounterCode) -> Self {
        CounterCodeDto {
            code: c.code,
            qr_payload: c.qr_payload,
            expires_at: c.expires_at,
        }
    }
}

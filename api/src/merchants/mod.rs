//! Partner merchants: onboarding, staff and POS keys, and discovery. (Offers and redemption
//! build on these.)

pub mod access;
pub mod discovery;
pub mod dto;
mod error;
pub mod extract;
pub mod idempotency;
pub mod ledger;
pub mod offers;
pub mod onboarding;
pub mod redemption;
pub mod staff;

pub use error::MerchantError;
pub use extract::{MerchantOwner, MerchantStaff};

//! Pure business rules of the Gan Gong Hui platform: value types, state machines and maths.
//!
//! Nothing in this crate does I/O: no database, HTTP, cache or clock. Callers pass time in.

// Tests may index: there a panic is a failed assertion, not a request taking a worker down.
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::string_slice))]

pub mod account;
pub mod card;
pub mod client;
pub mod credit_code;
pub mod division;
pub mod geo;
pub mod ids;
pub mod legal_aid;
pub mod membership;
pub mod merchant;
pub mod money;
pub mod offer;
pub mod org;
pub mod otp;
pub mod phone;
pub mod resident_id;
pub mod role;
pub mod staff_invitation;
pub mod text;
pub mod time;
pub mod totp;

pub use client::ClientKind;
pub use money::Fen;
pub use phone::Phone;
pub use resident_id::ResidentId;
pub use role::Role;

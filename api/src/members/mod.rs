//! Union org units, membership and benefit cards with one-time counter codes.

pub mod cards;
pub mod codes;
pub mod dto;
mod error;
pub mod membership;
pub mod orgs;

pub use error::MemberError;

//! Membership: a member applies to a grassroots union, an admin in scope decides; member
//! attributes (劳模 level, hardship).

pub mod dto;
mod error;
mod problems;
pub mod routes;
pub mod service;

pub use error::MemberError;

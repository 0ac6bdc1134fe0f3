//! The counter: verify a member's code, record a discounted purchase (核销).

pub mod dto;
pub mod guard;
pub mod routes;
pub mod service;
pub mod verification;

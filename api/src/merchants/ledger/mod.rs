//! Reversals, the day ledger, monthly settlement and the member's own history.

pub mod dto;
pub mod routes;
pub mod service;

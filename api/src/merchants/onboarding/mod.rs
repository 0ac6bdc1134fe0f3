//! Merchant applications and their decision, suspension and resumption.

pub mod dto;
pub mod routes;
pub mod service;

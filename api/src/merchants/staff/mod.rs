//! A merchant's staff and POS API keys.

pub mod dto;
pub mod routes;
pub mod service;

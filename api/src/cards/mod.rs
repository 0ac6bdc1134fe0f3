//! Benefit cards and their one-time counter codes.

pub mod codes;
pub mod dto;
pub mod routes;
pub mod service;

#[cfg(test)]
mod codes_proptests;

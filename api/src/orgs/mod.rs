//! The union organisation tree: province -> city -> county -> grassroots units.

pub mod dto;
pub mod routes;
pub mod service;

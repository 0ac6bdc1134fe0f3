//! Finding merchants: by city, category and name, or nearest first; one merchant with its live offers.

pub mod dto;
pub mod routes;
pub mod service;

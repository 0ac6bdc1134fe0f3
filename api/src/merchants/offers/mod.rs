//! A merchant's offers: create, list, pause, resume, edit.

pub mod dto;
pub mod routes;
pub mod service;

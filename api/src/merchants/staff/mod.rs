//! A merchant's staff, the invitations that bring them in, and POS API keys.

pub mod answers;
pub mod dto;
pub mod invitation_routes;
pub mod invitations;
pub mod routes;
pub mod service;

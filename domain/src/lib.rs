//! Pure business rules of the Gan Gong Hui platform: value types, state machines and maths.
//!
//! Nothing in this crate does I/O: no database, HTTP, cache or clock. Callers pass time in.

pub mod money;
pub mod role;
pub mod time;

pub use money::Fen;
pub use role::Role;

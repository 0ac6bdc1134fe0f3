//! Test support: the running application and its HTTP helpers (`app`), and fixtures that read
//! like the clients (`fixtures`). Test files import from here only, never from each other.

mod app;
mod fixtures;

pub use app::*;
pub use fixtures::*;

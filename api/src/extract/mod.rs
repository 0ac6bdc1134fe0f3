//! Request extractors that turn HTTP input into checked values or a precise problem.

mod json;
mod schema_check;

pub use json::{JSON_LIMIT, ValidJson};

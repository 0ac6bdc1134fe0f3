//! The HTTP API of Gan Gong Hui: routes, extractors, DTOs, services, problem+json errors, the
//! cache and the settings. Handlers are thin: extract, convert, call a service, map.

// Tests may index: there a panic is a failed assertion, not a request taking a worker down.
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::string_slice))]

pub mod audit;
pub mod auth;
pub mod cache;
pub mod cards;
pub mod clock;
pub mod crypto;
pub mod doc;
pub mod http;
pub mod legal_aid;
pub mod membership;
pub mod merchants;
pub mod metrics;
pub mod orgs;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod stats;
pub mod telemetry;
pub mod upkeep;

pub use http::ApiError;
pub use settings::Settings;
pub use startup::Application;
pub use state::AppState;

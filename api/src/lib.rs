//! The HTTP API of Gan Gong Hui: routes, extractors, DTOs, services, problem+json errors, the
//! cache and the settings. Handlers are thin: extract, convert, call a service, map.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod doc;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod members;
pub mod merchants;
pub mod middleware;
pub mod routes;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use error::ApiError;
pub use settings::Settings;
pub use startup::Application;
pub use state::AppState;

//! The HTTP API of Gan Gong Hui: routes, extractors, DTOs, services, problem+json errors, the
//! cache and the settings. Handlers are thin: extract, convert, call a service, map.

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
pub mod orgs;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod stats;
pub mod telemetry;

pub use http::ApiError;
pub use settings::Settings;
pub use startup::Application;
pub use state::AppState;

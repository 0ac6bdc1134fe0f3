//! The OpenAPI document: the base from the `openapi` crate plus every registered route, then
//! completed with what the routes cannot say for themselves (errors per operation, headers,
//! tags, prose).

// Indexing here walks JSON this module built at start-up from utoipa's output (a missing key
// reads as null, a write creates it); the committed-spec test runs every line of it.
#![allow(clippy::indexing_slicing)]

mod errors;
mod examples;
mod files;
mod links;
mod polish;
mod rules;

use actix_web::App;
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;

pub use errors::Refusals;

use crate::routes;

/// The complete spec, as served at `/api-docs/openapi.json` and committed as `openapi/openapi.json`.
pub fn openapi() -> Value {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(gangonghui_openapi::base())
        .configure(routes::configure)
        .split_for_parts();
    complete(&doc)
}

/// The document the routes wrote, completed. It is JSON from here on: utoipa's types cannot
/// carry everything the completion adds (shared headers, problem schemas narrowed per status).
pub fn complete(doc: &OpenApi) -> Value {
    let mut spec = serde_json::to_value(doc).unwrap_or_default();
    polish::polish(&mut spec);
    // After polish: a rule's own pattern replaces the generic text-rule one.
    rules::apply(&mut spec);
    errors::document(&mut spec, &routes::refusals());
    examples::apply(&mut spec);
    links::apply(&mut spec);
    files::apply(&mut spec);
    spec
}

/// Every operation object of the document (path-level fields such as `parameters` skipped).
fn operations_mut(spec: &mut Value) -> impl Iterator<Item = &mut Value> {
    spec["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.iter_mut())
        .filter(|(method, _)| {
            matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
            )
        })
        .map(|(_, op)| op)
}

/// The spec as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&openapi()).map(|json| json + "\n")
}

//! The OpenAPI document: the base from the `openapi` crate plus every registered route.

use actix_web::App;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;

use crate::routes;

/// The complete spec, as served at `/api-docs/openapi.json` and committed as `openapi/openapi.json`.
pub fn openapi() -> OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(gangonghui_openapi::base())
        .configure(routes::configure)
        .split_for_parts();
    doc
}

/// The spec as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    openapi().to_pretty_json().map(|json| json + "\n")
}

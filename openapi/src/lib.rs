//! The base OpenAPI document: info, security schemes and the components every operation shares
//! (the RFC 9457 problem body). Paths are added by the `api` crate as it registers handlers, so
//! routing and documentation come from one registration.

use serde::Serialize;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where the committed spec lives, relative to the workspace root.
pub const COMMITTED_SPEC_PATH: &str = "openapi/openapi.json";

/// An RFC 9457 problem: every 4xx and 5xx answer has this body.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:gangonghui:problem:validation.failed",
    "title": "请求参数有误",
    "status": 422,
    "detail": "有 1 个字段不符合要求",
    "code": "validation.failed",
    "errors": [{"field": "phone", "code": "required", "message": "必填"}],
    "request_id": "0193b8a4-6f1e-7c3a-9d2b-4e5f6a7b8c9d"
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:gangonghui:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short summary of the kind, in the caller's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request, in the caller's language.
    pub detail: String,
    /// A stable machine-readable code, e.g. `card.frozen`, `offer.limit_reached`.
    pub code: String,
    /// For validation failures: every field that is wrong, not only the first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldError>,
    /// For 429: seconds to wait before retrying (also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// For `auth.wechat_unbound`: the short-lived token for `POST /api/v1/auth/wechat/bind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind_token: Option<String>,
    /// The id of this request, as in the `X-Request-Id` header; quote it when reporting a fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `phone` or `items[2].amount_fen`.
    pub field: String,
    /// Stable machine code: `required`, `unknown_field`, `invalid_type`, `invalid_value`, ...
    pub code: String,
    /// Human-readable explanation in the caller's language.
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gan Gong Hui (赣工惠) API",
        description = "Member services of the Jiangxi trade unions: accounts, benefit cards, partner \
            merchants and counter redemption, legal aid. Errors are RFC 9457 `application/problem+json` \
            with a stable `code`; messages are zh-CN by default, English with `Accept-Language: en`.",
        version = "1.0.0",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "service", description = "Health and readiness of the server"),
    )
)]
struct BaseDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `/api/v1/auth/login`, `/register` or `/refresh`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "A merchant POS integration key; acts as a staff member of its merchant.",
            ))),
        );
    }
}

/// The document every generated spec starts from.
pub fn base() -> OpenApiDoc {
    BaseDoc::openapi()
}

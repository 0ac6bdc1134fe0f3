//! One error type for the API, mapped once to an RFC 9457 problem.
//!
//! Every variant chooses its status, stable `code` and titles in [`ApiError::answer`], an
//! exhaustive match with no catch-all arm; feature errors answer through their feature's own
//! exhaustive table ([`Refusal`]). A new variant cannot compile until it has decided how it
//! answers, `Retry-After` included.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use gangonghui_openapi::{FieldError, PROBLEM_JSON, Problem};

pub use super::answer::{Answer, RatePolicy, Refusal};
use super::i18n::Lang;
use super::validation::{FieldIssue, FieldIssueKind};
use crate::auth::AuthError;

/// Everything a request can fail with. Feature errors join as variants wrapping their domain
/// error enums.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("request body is not well-formed JSON: {0}")]
    MalformedBody(String),
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldIssue>),
    #[error("request body exceeds {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<Method> },
    #[error("a dependency is unavailable: {}", .components.join(", "))]
    Unavailable { components: Vec<&'static str> },
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    #[error(transparent)]
    Member(#[from] crate::membership::MemberError),
    #[error(transparent)]
    Merchant(#[from] crate::merchants::MerchantError),
    #[error(transparent)]
    LegalAid(#[from] crate::legal_aid::LegalAidError),
    #[error(transparent)]
    Idempotency(#[from] super::idempotency::IdempotencyError),
    /// An error status raised outside our handlers (by actix or a mounted service).
    #[error("HTTP {0}")]
    Status(StatusCode),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 422 naming one bad field.
    pub fn field(field: impl Into<String>, kind: FieldIssueKind) -> Self {
        ApiError::Validation(vec![FieldIssue::new(field, kind)])
    }

    /// Any failure the client cannot fix: logged with its cause chain, answered as 500.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(err.into())
    }

    /// The problem for a bare error status produced outside our handlers.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge {
                limit: super::json::JSON_LIMIT,
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            status if status.is_server_error() => {
                ApiError::Internal(anyhow::anyhow!("HTTP {status} from a service"))
            }
            status => ApiError::Status(status),
        }
    }

    /// The one place each variant decides how it answers; feature errors answer through their
    /// own table ([`Refusal`]).
    pub fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            ApiError::MalformedBody(_) => Answer::new(
                S::BAD_REQUEST,
                "request.malformed",
                "请求体不是合法的 JSON",
                "Malformed request body",
            ),
            ApiError::Validation(_) => Answer::new(
                S::UNPROCESSABLE_ENTITY,
                "validation.failed",
                "请求参数有误",
                "Invalid request fields",
            ),
            ApiError::PayloadTooLarge { .. } => Answer::new(
                S::PAYLOAD_TOO_LARGE,
                "request.too_large",
                "请求体过大",
                "Request body too large",
            ),
            ApiError::UnsupportedMediaType => Answer::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
                "不支持的内容类型",
                "Unsupported media type",
            ),
            ApiError::NotFound => Answer::new(S::NOT_FOUND, "not_found", "资源不存在", "Not found"),
            ApiError::MethodNotAllowed { .. } => Answer::new(
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "不支持该请求方法",
                "Method not allowed",
            ),
            ApiError::Unavailable { .. } => Answer::new(
                S::SERVICE_UNAVAILABLE,
                "service.unavailable",
                "服务暂不可用",
                "Service unavailable",
            )
            .retry_after(super::unavailable::RETRY_AFTER_SECS),
            ApiError::Auth(e) => e.answer(),
            ApiError::Member(e) => e.answer(),
            ApiError::Merchant(e) => e.answer(),
            ApiError::LegalAid(e) => e.answer(),
            ApiError::Idempotency(e) => e.answer(),
            ApiError::Status(status) => Answer::new(
                *status,
                "http.error",
                "请求无法处理",
                "Request not processed",
            ),
            ApiError::Internal(_) => Answer::new(
                S::INTERNAL_SERVER_ERROR,
                "internal_error",
                "服务器内部错误",
                "Internal server error",
            ),
        }
    }

    /// Status and stable code.
    pub fn kind(&self) -> (StatusCode, &'static str) {
        let answer = self.answer();
        (answer.status, answer.code)
    }

    fn detail(&self, lang: Lang) -> String {
        match (self, lang) {
            // The parser's position message names no data, only where the syntax broke.
            (ApiError::MalformedBody(why), Lang::Zh) => format!("无法解析 JSON: {why}"),
            (ApiError::MalformedBody(why), Lang::En) => {
                format!("The body could not be parsed as JSON: {why}")
            }
            (ApiError::Validation(issues), Lang::Zh) => {
                format!("有 {} 个字段不符合要求", issues.len())
            }
            (ApiError::Validation(issues), Lang::En) => {
                format!("{} field(s) are invalid", issues.len())
            }
            (ApiError::PayloadTooLarge { limit }, Lang::Zh) => {
                format!("请求体不能超过 {} KiB", limit / 1024)
            }
            (ApiError::PayloadTooLarge { limit }, Lang::En) => {
                format!("The body must not exceed {} KiB", limit / 1024)
            }
            (ApiError::UnsupportedMediaType, Lang::Zh) => {
                "请以 Content-Type: application/json 发送 JSON".into()
            }
            (ApiError::UnsupportedMediaType, Lang::En) => {
                "Send JSON with Content-Type: application/json".into()
            }
            (ApiError::NotFound, Lang::Zh) => "请求的资源不存在".into(),
            (ApiError::NotFound, Lang::En) => "The requested resource does not exist".into(),
            (ApiError::MethodNotAllowed { allow }, Lang::Zh) => {
                format!("此路径只支持 {}", join_methods(allow))
            }
            (ApiError::MethodNotAllowed { allow }, Lang::En) => {
                format!("This path supports only {}", join_methods(allow))
            }
            (ApiError::Unavailable { components }, Lang::Zh) => {
                format!("不可用: {}", components.join(", "))
            }
            (ApiError::Unavailable { components }, Lang::En) => {
                format!("Unavailable: {}", components.join(", "))
            }
            (
                ApiError::Auth(_)
                | ApiError::Member(_)
                | ApiError::Merchant(_)
                | ApiError::LegalAid(_)
                | ApiError::Idempotency(_),
                _,
            ) => self.answer().title(lang).into(),
            (ApiError::Status(status), Lang::Zh) => format!("HTTP {}", status.as_u16()),
            (ApiError::Status(status), Lang::En) => format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ),
            (ApiError::Internal(_), Lang::Zh) => {
                "请稍后重试; 如持续出现, 请提供 request_id 联系我们".into()
            }
            (ApiError::Internal(_), Lang::En) => {
                "Please retry later; if it persists, contact us with the request_id".into()
            }
        }
    }

    /// The problem body in `lang`, tagged with the request id when known.
    pub fn problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let answer = self.answer();
        let (status, code) = (answer.status, answer.code);
        let errors = if let ApiError::Validation(issues) = self {
            issues
                .iter()
                .map(|i| FieldError {
                    // The path can hold names the client made up: echoed, never raw.
                    field: gangonghui_domain::text::escape_forbidden(&i.field),
                    code: i.code().into(),
                    message: i.message(lang),
                })
                .collect()
        } else {
            Vec::new()
        };
        Problem {
            type_uri: format!("urn:gangonghui:problem:{code}"),
            title: answer.title(lang).into(),
            status: status.as_u16(),
            detail: self.detail(lang),
            code: code.into(),
            errors,
            retry_after: answer.retry_after,
            bind_token: if let ApiError::Auth(AuthError::WechatUnbound { bind_token }) = self {
                Some(bind_token.clone())
            } else {
                None
            },
            request_id,
        }
    }

    /// The full response: problem body plus the headers a status calls for.
    pub fn render(&self, lang: Lang, request_id: Option<String>) -> HttpResponse {
        let (status, _) = self.kind();
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        if let ApiError::MethodNotAllowed { allow } = self {
            response.insert_header((header::ALLOW, join_methods(allow)));
        }
        let answer = self.answer();
        if let Some(seconds) = answer.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            if status == StatusCode::TOO_MANY_REQUESTS {
                rate_limit_headers(&mut response, &answer, seconds);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            let error = if matches!(self, ApiError::Auth(AuthError::MissingToken)) {
                ""
            } else {
                ", error=\"invalid_token\""
            };
            response.insert_header((
                header::WWW_AUTHENTICATE,
                format!("Bearer realm=\"gangonghui\"{error}"),
            ));
        }
        response.json(self.problem(lang, request_id))
    }
}

/// The IETF `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers): nothing left under this
/// policy until `seconds` pass, and, for a counted limit, its quota and window.
fn rate_limit_headers(response: &mut HttpResponseBuilder, answer: &Answer, seconds: u64) {
    let name = answer.policy.map_or(answer.code, |p| p.name);
    response.insert_header(("RateLimit", format!("\"{name}\";r=0;t={seconds}")));
    if let Some(p) = answer.policy {
        let policy = format!("\"{}\";q={};w={}", p.name, p.quota, p.window_secs);
        response.insert_header(("RateLimit-Policy", policy));
    }
}

fn join_methods(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().0
    }

    /// The default rendering; [`crate::http::middleware::problem_details`] renders again with the
    /// caller's language and request id.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::default(), None)
    }
}

impl From<ApiError> for Answer {
    fn from(err: ApiError) -> Answer {
        err.answer()
    }
}

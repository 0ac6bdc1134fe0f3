//! What makes the generated document a contract a client team can generate an SDK from: an
//! ASCII title, servers, declared tags, a description on every response, the headers every
//! response carries, and how the signed mini-program client and POS keys authenticate.

use gangonghui_domain::text::ALLOWED_TEXT_PATTERN;
use serde_json::{Value, json};

/// The one place the document's prose lives.
const DESCRIPTION: &str = "Member services of the Jiangxi trade unions (赣工惠): accounts, \
benefit cards, partner merchants and counter redemption, legal aid.

Errors are RFC 9457 `application/problem+json` with a stable `code` (each operation lists the \
codes each status carries); validation failures list every bad field in `errors[]` with a code \
from `FieldError.code`. Messages are zh-CN by default, English with `Accept-Language: en`. \
Every response carries `X-Request-Id`; quote it when reporting a fault.

Authentication is settled before anything else: a caller without a valid token (401) or without \
the role (403) learns nothing about its body or query.

**POS keys.** A merchant POS integration sends `X-Api-Key` instead of a staff login. When a \
request carries `X-Api-Key`, the key alone decides who calls: any `Authorization` header is \
ignored.

**The WeChat mini-program's server** signs every request it proxies, and still sends the \
member's own bearer token (a mini-program token is refused without the signature). Headers: \
`X-Client-Id`, `X-Timestamp` (Unix seconds, within 5 minutes of the server's clock), `X-Nonce` \
(16-64 of `[A-Za-z0-9_-]`, never reused) and `X-Signature` = lowercase hex HMAC-SHA256, under \
the client secret, of `METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))`. A bad \
signature is 401 `auth.client_signature_invalid`. Worked example: secret \
`example-client-secret`, `GET /api/v1/me`, timestamp `1767225600`, nonce \
`n0nce-2026-01-01-abc`, empty body (SHA-256 \
`e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`) signs as \
`6904069bee965c37e60609c1f34e2dac7b03512c2637f430dc3900365c1d2d9a`.";

/// Every tag an operation uses, with what it groups.
const TAGS: &[(&str, &str)] = &[
    ("service", "Health and readiness of the server"),
    (
        "auth",
        "One-time codes, registration, login, tokens, WeChat sign-in",
    ),
    ("me", "The caller's own profile, sessions and history"),
    ("orgs", "The union organisation tree"),
    ("membership", "Membership applications and members"),
    ("cards", "Benefit cards and counter codes"),
    ("merchants", "Partner merchants: search and applications"),
    (
        "merchant",
        "A merchant's own staff, offers, counter and ledger",
    ),
    (
        "legal-aid",
        "法律援助: requests, the case workflow, messages and evidence files",
    ),
    ("statistics", "Figures of a union admin's subtree"),
];

pub fn polish(spec: &mut Value) {
    spec["info"]["title"] = json!("Gan Gong Hui API");
    spec["info"]["description"] = json!(DESCRIPTION);
    spec["info"]["x-title-zh"] = json!("赣工惠");
    spec["servers"] = json!([{ "url": "/", "description": "This server" }]);
    spec["tags"] = TAGS
        .iter()
        .map(|(name, description)| json!({ "name": name, "description": description }))
        .collect();
    spec["components"]["headers"] = json!({
        "X-Request-Id": {
            "description": "The id of this request (also `request_id` in a problem body).",
            "schema": { "type": "string" }
        },
        "WWW-Authenticate": {
            "description": "`Bearer realm=\"gangonghui\"`, with `error=\"invalid_token\"` when a token was sent but refused.",
            "schema": { "type": "string" }
        },
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": { "type": "integer", "minimum": 0 }
        },
        "RateLimit": {
            "description": "IETF draft `RateLimit` field: the policy that refused, nothing remaining (`r=0`) and the seconds until it resets (`t`), e.g. `\"login-phone\";r=0;t=900`.",
            "schema": { "type": "string" }
        },
        "RateLimit-Policy": {
            "description": "IETF draft `RateLimit-Policy` field, sent when a counted limit refused: its quota (`q`) per window of `w` seconds, e.g. `\"login-phone\";q=10;w=900`.",
            "schema": { "type": "string" }
        }
    });
    standard_formats(spec);
    text_rule(spec);
    for op in super::operations_mut(spec) {
        let Some(responses) = op["responses"].as_object_mut() else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if response.get("description").is_none_or(|d| d == "") {
                response["description"] = json!(describe(status));
            }
            if response.get("headers").is_none() {
                response["headers"] =
                    json!({ "X-Request-Id": { "$ref": "#/components/headers/X-Request-Id" } });
            }
        }
    }
}

/// utoipa spells unsigned integers `u-int8` .. `u-int64`, which no generator knows: each becomes
/// the standard signed format wide enough, with its range stated as bounds (the same range the
/// server's schema check enforces).
fn standard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let unsigned = map
                .get("format")
                .and_then(Value::as_str)
                .and_then(|f| match f {
                    "u-int8" => Some(("int32", Some(u64::from(u8::MAX)))),
                    "u-int16" => Some(("int32", Some(u64::from(u16::MAX)))),
                    "u-int32" => Some(("int64", Some(u64::from(u32::MAX)))),
                    "u-int64" => Some(("int64", None)),
                    _ => None,
                });
            if let Some((format, max)) = unsigned {
                map.insert("format".into(), json!(format));
                map.entry("minimum").or_insert(json!(0));
                if let Some(max) = max {
                    map.entry("maximum").or_insert(json!(max));
                }
            }
            map.values_mut().for_each(standard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(standard_formats),
        _ => {}
    }
}

/// Every text the server takes keeps the shared text rule (the JSON and query readers refuse a
/// break with `nul_character` or `control_character`; a path holding U+0000 is a 404): every
/// free string says so with a pattern. Strings that already have a pattern, a format, or a fixed
/// set of values keep it by construction.
fn text_rule(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_string = match map.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            let constrained = ["pattern", "format", "enum", "const"]
                .iter()
                .any(|k| map.contains_key(*k));
            if is_string && !constrained {
                map.insert("pattern".into(), json!(ALLOWED_TEXT_PATTERN));
            }
            map.values_mut().for_each(text_rule);
        }
        Value::Array(items) => items.iter_mut().for_each(text_rule),
        _ => {}
    }
}

fn describe(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        _ => "Response",
    }
}

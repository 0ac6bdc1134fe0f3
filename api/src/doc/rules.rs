//! Rules the domain checks that the request types cannot state for themselves: bounds, and which
//! fields go together. Written into the spec (so a client, a generator and schemathesis see
//! them), while the server keeps enforcing them in the domain, where every bad field of a body is
//! named in one 422 (the schema check stops before the domain looks).

use gangonghui_domain::legal_aid::workflow::{CaseStatus, MoveField, fields_for};
use gangonghui_domain::offer::OfferType;
use serde_json::{Value, json};

/// Patterns the domain parsers enforce, each spelled once (JSON Schema regexes, which Python's
/// and Rust's engines read the same way). Every text also keeps the shared text rule
/// ([`gangonghui_domain::text::ALLOWED_TEXT_PATTERN`]), so `ANY` is one character it allows. The
/// parsers trim first, so the patterns allow surrounding whitespace: Rust's `trim` set, spelled
/// out (`\s` differs by engine), less what the text rule refuses anyway.
const WS: &str = r"[\x09\x0A\x0D\x20\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
const ANY: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]";
/// A character that is neither whitespace nor refused by the text rule.
const VISIBLE: &str =
    r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202A-\u202F\u205F\u2066-\u2069\u3000]";
/// Inside a name: no control characters at all (not even a line break) and no bidi overrides.
const IN_NAME: &str = r"[^\x00-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]";

/// A letter (ASCII or a CJK ideograph) and a digit, anywhere.
fn password() -> String {
    let letter = r"[A-Za-z\u4e00-\u9fff]";
    format!(r"^{ANY}*({letter}{ANY}*[0-9]|[0-9]{ANY}*{letter}){ANY}*$")
}

/// Not blank.
fn text() -> String {
    format!(r"^{ANY}*{VISIBLE}{ANY}*$")
}

/// A mainland mobile number, optionally with +86 or 86.
fn phone() -> String {
    format!(r"^{WS}*(\+86|86)?1[3-9][0-9]{{9}}{WS}*$")
}

/// Not blank, no control characters inside.
fn name() -> String {
    format!(r"^{WS}*{IN_NAME}*{VISIBLE}{IN_NAME}*{WS}*$")
}

/// `(schema, property, keywords)`: what the domain enforces on one property.
fn bounds() -> Vec<(&'static str, &'static str, Value)> {
    let pattern = |p: &str| json!({ "pattern": p });
    let password = json!({ "minLength": 8, "pattern": password() });
    let (phone, name, text) = (phone(), name(), text());
    vec![
        ("SendOtpBody", "phone", pattern(&phone)),
        ("RegisterBody", "phone", pattern(&phone)),
        ("RegisterBody", "password", password.clone()),
        ("RegisterBody", "display_name", pattern(&name)),
        ("PasswordLogin", "phone", pattern(&phone)),
        ("OtpLogin", "phone", pattern(&phone)),
        ("ResetPasswordBody", "phone", pattern(&phone)),
        ("ResetPasswordBody", "new_password", password.clone()),
        ("ChangePasswordBody", "new_password", password),
        ("WechatBindBody", "phone", pattern(&phone)),
        ("RealNameBody", "legal_name", pattern(&name)),
        ("ApplyBody", "employer", pattern(&text)),
        ("RejectBody", "reason", pattern(&text)),
        ("CreateOrgBody", "name", pattern(&name)),
        ("InviteStaffBody", "phone", pattern(&phone)),
        ("CreateApiKeyBody", "label", pattern(&text)),
        ("MerchantApplicationBody", "name", pattern(&name)),
        ("MerchantApplicationBody", "address", pattern(&text)),
        ("MerchantApplicationBody", "contact_phone", pattern(&phone)),
        (
            "MerchantApplicationBody",
            "lat",
            json!({ "minimum": -90, "maximum": 90 }),
        ),
        (
            "MerchantApplicationBody",
            "lng",
            json!({ "minimum": -180, "maximum": 180 }),
        ),
        ("CreateOfferBody", "title", pattern(&text)),
        (
            "CreateOfferBody",
            "percent_off_bp",
            json!({ "minimum": 1, "maximum": 10000 }),
        ),
        ("CreateOfferBody", "off_fen", json!({ "minimum": 1 })),
        (
            "CreateOfferBody",
            "max_discount_fen",
            json!({ "minimum": 1 }),
        ),
        ("CreateOfferBody", "threshold_fen", json!({ "minimum": 0 })),
        (
            "CreateOfferBody",
            "per_member_limit",
            json!({ "minimum": 1 }),
        ),
        ("CreateOfferBody", "total_quota", json!({ "minimum": 1 })),
        ("UpdateOfferBody", "title", pattern(&text)),
        ("UpdateOfferBody", "total_quota", json!({ "minimum": 0 })),
        ("CreateCaseBody", "employer_name", pattern(&text)),
        ("CreateCaseBody", "description", pattern(&text)),
        ("CreateCaseBody", "contact_phone", pattern(&phone)),
        ("CreateCaseBody", "consent", json!({ "const": true })),
        ("TransitionBody", "reason", pattern(&text)),
        ("MessageBody", "body", pattern(&text)),
    ]
}

/// Which fields each move of a case needs and which it may not carry, from the domain's own
/// table (`fields_for`): a field a move may not carry may only be absent or null.
fn case_moves() -> Value {
    CaseStatus::ALL
        .iter()
        .map(|&to| {
            let rules = fields_for(to);
            let mut then = serde_json::Map::new();
            let required: Vec<&str> = rules.required.iter().map(|f| f.name()).collect();
            if !required.is_empty() {
                then.insert("required".into(), json!(required));
            }
            let mut properties = serde_json::Map::new();
            for field in MoveField::ALL {
                if rules.required.contains(field) {
                    let ty = if *field == MoveField::RecoveredFen { "integer" } else { "string" };
                    properties.insert(field.name().into(), json!({ "type": ty }));
                } else if !rules.allowed.contains(field) {
                    properties.insert(field.name().into(), json!({ "type": "null" }));
                }
            }
            then.insert("properties".into(), Value::Object(properties));
            json!({ "if": { "required": ["to"], "properties": { "to": { "const": to.as_str() } } }, "then": then })
        })
        .collect()
}

/// Fields one another needs, per schema: when `if` holds, `then` must.
fn together() -> [(&'static str, Value); 2] {
    let kind_is = |kind: OfferType| json!({ "properties": { "kind": { "const": kind.as_str() } } });
    let present = |field: &str, ty: &str| json!({ "required": [field], "properties": { field: { "type": ty } } });
    [
        (
            "CreateOfferBody",
            json!([
                { "if": kind_is(OfferType::PercentOff), "then": present("percent_off_bp", "integer") },
                { "if": kind_is(OfferType::AmountOff), "then": {
                    "required": ["off_fen", "threshold_fen"],
                    "properties": { "off_fen": { "type": "integer" }, "threshold_fen": { "type": "integer" } }
                } },
                { "if": present("per_member_limit", "integer"), "then": present("limit_period", "string") },
                { "if": present("limit_period", "string"), "then": present("per_member_limit", "integer") }
            ]),
        ),
        ("TransitionBody", case_moves()),
    ]
}

pub fn apply(spec: &mut Value) {
    let schemas = &mut spec["components"]["schemas"];
    for (schema, property, keywords) in bounds() {
        let target = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
            .and_then(Value::as_object_mut);
        if let (Some(target), Value::Object(add)) = (target, keywords) {
            target.extend(add);
        }
    }
    for (schema, rules) in together() {
        if let Some(target) = schemas.get_mut(schema).and_then(Value::as_object_mut) {
            target.insert("allOf".into(), rules);
        }
    }
    near_search(spec);
}

/// `lat`, `lng` and `radius_m` of the merchant search go together: one object parameter, sent
/// exploded (`?lat=..&lng=..&radius_m=..`, the same query string as three parameters), so the
/// spec can say that `lat` and `lng` come as a pair.
fn near_search(spec: &mut Value) {
    let Some(params) = spec["paths"]["/api/v1/merchants"]["get"]["parameters"].as_array_mut()
    else {
        return;
    };
    let mut properties = serde_json::Map::new();
    params.retain(|p| {
        let name = p["name"].as_str().unwrap_or_default();
        let near = matches!(name, "lat" | "lng" | "radius_m");
        if near {
            let mut schema = p["schema"].clone();
            // A query string has no null: the property is simply absent.
            if let Some(types) = schema["type"].as_array() {
                let present: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                if let [one] = present.as_slice() {
                    schema["type"] = (*one).clone();
                }
            }
            if let (Some(s), Some(d)) = (schema.as_object_mut(), p.get("description")) {
                s.insert("description".into(), d.clone());
            }
            properties.insert(name.into(), schema);
        }
        !near
    });
    if properties.is_empty() {
        return;
    }
    params.push(json!({
        "name": "near",
        "in": "query",
        "required": false,
        "style": "form",
        "explode": true,
        "description": "Nearest first from this point, each merchant with `distance_m`: `lat` and `lng` together (WGS-84), `radius_m` optional (default 5000).",
        "schema": {
            "type": "object",
            "properties": properties,
            "required": ["lat", "lng"],
            "additionalProperties": false
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::{bounds, together};

    /// A rule for a schema or property the code no longer has would vanish without a word.
    #[test]
    fn every_rule_names_a_property_the_spec_has() {
        let spec = crate::doc::openapi();
        let schemas = &spec["components"]["schemas"];
        for (schema, property, _) in bounds() {
            assert!(
                schemas[schema]["properties"].get(property).is_some(),
                "{schema}.{property}"
            );
        }
        for (schema, _) in together() {
            assert!(schemas.get(schema).is_some(), "{schema}");
        }
    }
}

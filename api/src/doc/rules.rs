//! Rules the domain checks that the request types cannot state for themselves: bounds, and which
//! fields go together. Written into the spec (so a client, a generator and schemathesis see
//! them), while the server keeps enforcing them in the domain, where every bad field of a body is
//! named in one 422 (the schema check stops before the domain looks).

use gangonghui_domain::offer::OfferType;
use serde_json::{Value, json};

/// `(schema, property, keywords)`: bounds the domain enforces on one property.
const BOUNDS: &[(&str, &str, &str)] = &[
    ("RegisterBody", "password", r#"{"minLength": 8}"#),
    ("ResetPasswordBody", "new_password", r#"{"minLength": 8}"#),
    ("ChangePasswordBody", "new_password", r#"{"minLength": 8}"#),
    (
        "MerchantApplicationBody",
        "lat",
        r#"{"minimum": -90, "maximum": 90}"#,
    ),
    (
        "MerchantApplicationBody",
        "lng",
        r#"{"minimum": -180, "maximum": 180}"#,
    ),
    (
        "CreateOfferBody",
        "percent_off_bp",
        r#"{"minimum": 1, "maximum": 10000}"#,
    ),
    ("CreateOfferBody", "off_fen", r#"{"minimum": 1}"#),
    ("CreateOfferBody", "max_discount_fen", r#"{"minimum": 1}"#),
    ("CreateOfferBody", "threshold_fen", r#"{"minimum": 0}"#),
    ("CreateOfferBody", "per_member_limit", r#"{"minimum": 1}"#),
    ("CreateOfferBody", "total_quota", r#"{"minimum": 1}"#),
    ("UpdateOfferBody", "total_quota", r#"{"minimum": 0}"#),
];

/// Fields one another needs, per schema: when `if` holds, `then` must.
fn together() -> [(&'static str, Value); 1] {
    let kind_is = |kind: OfferType| json!({ "properties": { "kind": { "const": kind.as_str() } } });
    let present = |field: &str, ty: &str| json!({ "required": [field], "properties": { field: { "type": ty } } });
    [(
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
    )]
}

pub fn apply(spec: &mut Value) {
    let schemas = &mut spec["components"]["schemas"];
    for (schema, property, keywords) in BOUNDS {
        let target = &mut schemas[*schema]["properties"][*property];
        if let (Some(target), Ok(Value::Object(add))) =
            (target.as_object_mut(), serde_json::from_str(keywords))
        {
            target.extend(add);
        }
    }
    for (schema, rules) in together() {
        schemas[schema]["allOf"] = rules;
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

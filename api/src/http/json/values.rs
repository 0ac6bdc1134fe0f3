//! What a body's values must be before the schema sees them: every text (keys included) within
//! the shared text rule ([`Rule::for_text`]), and whole numbers as integers.

use crate::http::Rule;
use crate::http::{FieldIssue, FieldIssueKind};

/// Every text breaking the text rule, by its path.
pub(super) fn forbidden_characters(
    value: &serde_json::Value,
    path: &str,
    issues: &mut Vec<FieldIssue>,
) {
    use serde_json::Value;
    let join = |key: &str| match path {
        "" => key.to_owned(),
        _ => format!("{path}.{key}"),
    };
    match value {
        Value::String(s) => refuse(path.to_owned(), s, issues),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| forbidden_characters(v, &format!("{path}[{i}]"), issues)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| {
            refuse(join(k), k, issues);
            forbidden_characters(v, &join(k), issues)
        }),
        _ => {}
    }
}

fn refuse(field: String, text: &str, issues: &mut Vec<FieldIssue>) {
    if let Some(reason) = Rule::for_text(text) {
        issues.push(FieldIssue::new(field, FieldIssueKind::Invalid { reason }));
    }
}

/// Only escapes (`\u0085`), DEL and the lead bytes of U+0080-U+009F and U+2000-U+2FFF can spell
/// a forbidden character in JSON text: a body without them needs no walk.
pub(super) fn may_hold_forbidden(body: &[u8]) -> bool {
    body.iter().any(|b| matches!(b, b'\\' | 0x7F | 0xC2 | 0xE2))
}

/// JSON Schema counts `5.0` as an integer; serde does not read it into an `i64`. Whole numbers
/// written with a fraction become integers before the check, so both agree with the spec.
pub(super) fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

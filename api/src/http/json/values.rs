//! What a body's values must be before the schema sees them: no U+0000 in any text, and whole
//! numbers as integers.

use crate::http::Rule;
use crate::http::{FieldIssue, FieldIssueKind};

/// Every text holding U+0000, by its path: no field takes one (the database refuses it).
pub(super) fn nul_characters(value: &serde_json::Value, path: &str, issues: &mut Vec<FieldIssue>) {
    use serde_json::Value;
    let join = |key: &str| match path {
        "" => key.to_owned(),
        _ => format!("{path}.{key}"),
    };
    match value {
        Value::String(s) if s.contains('\0') => issues.push(FieldIssue::new(
            path,
            FieldIssueKind::Invalid {
                reason: Rule::NulCharacter,
            },
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| nul_characters(v, &format!("{path}[{i}]"), issues)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| {
            if k.contains('\0') {
                issues.push(FieldIssue::new(
                    join(k),
                    FieldIssueKind::Invalid {
                        reason: Rule::NulCharacter,
                    },
                ));
            }
            nul_characters(v, &join(k), issues)
        }),
        _ => {}
    }
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

//! The leaf keywords of the checker: JSON types, lengths, numeric bounds (with the ranges
//! integer formats imply) and how a bound is shown in a message.

use crate::http::{FieldIssue, FieldIssueKind};
use serde_json::{Map, Value};
use std::cmp::Ordering;

pub(super) fn type_matches(t: &str, value: &Value) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

pub(super) fn check_length(
    obj: &Map<String, Value>,
    len: u64,
    path: &str,
    issues: &mut Vec<FieldIssue>,
) {
    if let Some(min) = obj
        .get("minLength")
        .and_then(Value::as_u64)
        .filter(|m| len < *m)
    {
        issues.push(FieldIssue::new(path, FieldIssueKind::TooShort { min }));
    }
    if let Some(max) = obj
        .get("maxLength")
        .and_then(Value::as_u64)
        .filter(|m| len > *m)
    {
        issues.push(FieldIssue::new(path, FieldIssueKind::TooLong { max }));
    }
}

/// Explicit bounds, then the range of the integer `format` (a `u8` field must not take 300).
pub(super) fn check_bounds(
    obj: &Map<String, Value>,
    value: &Value,
    path: &str,
    issues: &mut Vec<FieldIssue>,
) {
    let (format_min, format_max) = obj
        .get("format")
        .and_then(Value::as_str)
        .map(format_range)
        .unwrap_or((None, None));
    let minimum = obj.get("minimum").cloned().or(format_min);
    let maximum = obj.get("maximum").cloned().or(format_max);
    if let Some(min) = minimum.filter(|m| compare(value, m) == Some(Ordering::Less)) {
        issues.push(FieldIssue::new(
            path,
            FieldIssueKind::BelowMinimum { min: display(&min) },
        ));
    } else if let Some(max) = maximum.filter(|m| compare(value, m) == Some(Ordering::Greater)) {
        issues.push(FieldIssue::new(
            path,
            FieldIssueKind::AboveMaximum { max: display(&max) },
        ));
    }
}

pub(super) fn format_range(format: &str) -> (Option<Value>, Option<Value>) {
    let (min, max): (i128, i128) = match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        // utoipa 6 spells the unsigned formats `u-int8` etc.; accept the usual spelling too.
        "uint8" | "u-int8" => (0, u8::MAX.into()),
        "uint16" | "u-int16" => (0, u16::MAX.into()),
        "uint32" | "u-int32" => (0, u32::MAX.into()),
        "uint64" | "u-int64" => (0, u64::MAX.into()),
        _ => return (None, None),
    };
    let num = |n: i128| {
        i64::try_from(n)
            .map(Value::from)
            .or_else(|_| u64::try_from(n).map(Value::from))
            .ok()
    };
    (num(min), num(max))
}

/// Exact for integers of either sign; floating point only when a float is involved.
pub(super) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let as_i128 = |v: &Value| {
        v.as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))
    };
    match (as_i128(a), as_i128(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

pub(super) fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

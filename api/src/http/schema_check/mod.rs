//! Checks a JSON value against the OpenAPI 3.1 (JSON Schema) form of a request type, collecting
//! every issue. Covers what utoipa emits for request bodies: `$ref`, `oneOf`/`anyOf`/`allOf`,
//! `type` (single or list), `enum`, `required`, `properties`, `additionalProperties: false`,
//! string lengths, numeric bounds and integer formats, and array items and sizes.

use std::collections::HashMap;

use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::http::{FieldIssue, FieldIssueKind};

mod keywords;

use keywords::{check_bounds, check_length, display, type_matches};

/// A request type's schema with the named schemas it references.
pub struct CompiledSchema {
    root: Value,
    defs: HashMap<String, Value>,
}

impl CompiledSchema {
    pub fn of<T: ToSchema>() -> Self {
        let mut deps = Vec::new();
        T::schemas(&mut deps);
        let mut defs: HashMap<String, Value> = deps
            .into_iter()
            .filter_map(|(name, schema)| serde_json::to_value(schema).ok().map(|v| (name, v)))
            .collect();
        // An unrepresentable schema accepts anything; serde still checks the value afterwards.
        let root = serde_json::to_value(T::schema()).unwrap_or(Value::Bool(true));
        defs.insert(T::name().into_owned(), root.clone());
        CompiledSchema { root, defs }
    }
}

/// Every way `value` fails the schema; empty when it conforms.
pub fn check(schema: &CompiledSchema, value: &Value) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    Checker { defs: &schema.defs }.check(&schema.root, value, "", &mut issues);
    issues
}

struct Checker<'a> {
    defs: &'a HashMap<String, Value>,
}

impl Checker<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut current = schema;
        // Bounded: a reference cycle must not hang a request.
        for _ in 0..16 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.rsplit('/').next().and_then(|name| self.defs.get(name)) {
                    Some(target) => current = target,
                    None => return &Value::Bool(true),
                },
                None => return current,
            }
        }
        current
    }

    fn check(&self, schema: &Value, value: &Value, path: &str, issues: &mut Vec<FieldIssue>) {
        let schema = self.resolve(schema);
        let Some(obj) = schema.as_object() else {
            return;
        };

        if value.is_null() && !self.accepts_null(schema) {
            issues.push(FieldIssue::new(path, FieldIssueKind::Required));
            return;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                self.check_alternatives(branches, value, path, issues);
            }
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for branch in all {
                self.check(branch, value, path, issues);
            }
        }
        if let Some(types) = obj.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !allowed.is_empty() && !allowed.iter().any(|t| type_matches(t, value)) {
                let expected = allowed
                    .iter()
                    .filter(|t| **t != "null")
                    .copied()
                    .collect::<Vec<_>>()
                    .join("|");
                issues.push(FieldIssue::new(
                    path,
                    FieldIssueKind::InvalidType { expected },
                ));
                return;
            }
        }
        if let Some(options) = obj.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            let allowed = options
                .iter()
                .filter(|o| !o.is_null())
                .map(display)
                .collect();
            issues.push(FieldIssue::new(path, FieldIssueKind::NotOneOf { allowed }));
            return;
        }
        match value {
            Value::String(s) => check_length(obj, s.chars().count() as u64, path, issues),
            Value::Number(_) => check_bounds(obj, value, path, issues),
            Value::Array(items) => self.check_array(obj, items, path, issues),
            Value::Object(fields) => self.check_object(obj, fields, path, issues),
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn accepts_null(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        let Some(obj) = schema.as_object() else {
            return true;
        };
        let typed_null = match obj.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
            Some(_) => false,
            None => {
                !obj.contains_key("oneOf")
                    && !obj.contains_key("anyOf")
                    && !obj.contains_key("$ref")
            }
        };
        let branch_null = ["oneOf", "anyOf"].iter().any(|k| {
            obj.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|bs| bs.iter().any(|b| self.accepts_null(b)))
        });
        typed_null || branch_null || obj.get("nullable") == Some(&Value::Bool(true))
    }

    /// Passes when any branch passes; otherwise reports the closest branch's issues.
    fn check_alternatives(
        &self,
        branches: &[Value],
        value: &Value,
        path: &str,
        issues: &mut Vec<FieldIssue>,
    ) {
        let mut closest: Option<Vec<FieldIssue>> = None;
        for branch in branches {
            let mut found = Vec::new();
            self.check(branch, value, path, &mut found);
            if found.is_empty() {
                return;
            }
            if closest.as_ref().is_none_or(|c| found.len() < c.len()) {
                closest = Some(found);
            }
        }
        issues.extend(closest.unwrap_or_default());
    }

    fn check_array(
        &self,
        obj: &Map<String, Value>,
        items: &[Value],
        path: &str,
        issues: &mut Vec<FieldIssue>,
    ) {
        let len = items.len() as u64;
        if let Some(min) = obj
            .get("minItems")
            .and_then(Value::as_u64)
            .filter(|m| len < *m)
        {
            issues.push(FieldIssue::new(path, FieldIssueKind::TooShort { min }));
        }
        if let Some(max) = obj
            .get("maxItems")
            .and_then(Value::as_u64)
            .filter(|m| len > *m)
        {
            issues.push(FieldIssue::new(path, FieldIssueKind::TooLong { max }));
        }
        if let Some(item_schema) = obj.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{path}[{i}]"), issues);
            }
        }
    }

    fn check_object(
        &self,
        obj: &Map<String, Value>,
        fields: &Map<String, Value>,
        path: &str,
        issues: &mut Vec<FieldIssue>,
    ) {
        let properties = obj.get("properties").and_then(Value::as_object);
        let join = |key: &str| {
            if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            }
        };
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(key) {
                    issues.push(FieldIssue::new(join(key), FieldIssueKind::Required));
                }
            }
        }
        let additional = obj.get("additionalProperties");
        for (key, field_value) in fields {
            match properties.and_then(|p| p.get(key)) {
                Some(field_schema) => self.check(field_schema, field_value, &join(key), issues),
                None => match additional {
                    Some(Value::Bool(false)) => {
                        issues.push(FieldIssue::new(join(key), FieldIssueKind::UnknownField))
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.check(extra, field_value, &join(key), issues)
                    }
                    _ => {}
                },
            }
        }
    }
}

//! OpenAPI links: which answer's id the next call takes (a redemption's id to reverse it, an
//! application's id to decide it, ...). Generators and schemathesis' stateful phase follow them.

use serde_json::{Value, json};

/// `(operation, status, link name, next operation, path parameter, field of the answer)`.
const LINKS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "create_redemption",
        "201",
        "Reverse",
        "reverse_redemption",
        "id",
        "id",
    ),
    ("create_offer", "201", "Update", "update_offer", "id", "id"),
    (
        "create_api_key",
        "201",
        "Revoke",
        "revoke_api_key",
        "id",
        "id",
    ),
    (
        "invite_staff",
        "202",
        "Revoke",
        "revoke_staff_invitation",
        "id",
        "id",
    ),
    (
        "create_membership_application",
        "201",
        "Approve",
        "approve_membership_application",
        "id",
        "id",
    ),
    (
        "create_membership_application",
        "201",
        "Reject",
        "reject_membership_application",
        "id",
        "id",
    ),
    (
        "create_merchant_application",
        "201",
        "Approve",
        "approve_merchant_application",
        "id",
        "id",
    ),
    (
        "create_merchant_application",
        "201",
        "Reject",
        "reject_merchant_application",
        "id",
        "id",
    ),
];

pub fn apply(spec: &mut Value) {
    for op in super::operations_mut(spec) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        for (_, status, name, to, parameter, field) in LINKS.iter().filter(|l| l.0 == id) {
            let response = op.get_mut("responses").and_then(|r| r.get_mut(*status));
            if let Some(response) = response.and_then(Value::as_object_mut) {
                response.entry("links").or_insert_with(|| json!({}))[*name] = json!({
                    "operationId": to,
                    "parameters": { *parameter: format!("$response.body#/{field}") }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LINKS;

    /// Both ends of every link, and the status it hangs on, exist in the spec.
    #[test]
    fn every_link_joins_operations_the_spec_has() {
        let spec = crate::doc::openapi();
        let mut ops = std::collections::HashMap::new();
        for item in spec["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
        {
            for op in item.as_object().into_iter().flat_map(|i| i.values()) {
                ops.insert(op["operationId"].as_str().unwrap_or_default(), op);
            }
        }
        for (from, status, name, to, _, _) in LINKS {
            let source = ops.get(from).unwrap_or_else(|| panic!("{from}"));
            assert!(
                source["responses"][*status]["links"].get(*name).is_some(),
                "{from} {status}"
            );
            assert!(ops.contains_key(to), "{to}");
        }
    }
}

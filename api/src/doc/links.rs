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
        "add_staff",
        "201",
        "Remove",
        "remove_staff",
        "account_id",
        "account_id",
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
            if let Some(response) = op["responses"][*status].as_object_mut() {
                response.entry("links").or_insert_with(|| json!({}))[*name] = json!({
                    "operationId": to,
                    "parameters": { *parameter: format!("$response.body#/{field}") }
                });
            }
        }
    }
}

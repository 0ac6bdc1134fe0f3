//! Whole request and response examples for the main flows (log in, show the card code, verify
//! and redeem at the counter, and a problem), written into the spec where a client developer
//! reads them. `tests/contract/validate-examples.py` checks each against its schema in CI.

use serde_json::{Value, json};

/// Where an example goes: the request body, or the response with this status.
enum At {
    Request,
    Response(&'static str),
}

const CODE: &str = "3601000000000015689350";
const OFFER: &str = "01a237cf-e0a9-7100-9018-ef29f8eb0703";

fn examples() -> Vec<(&'static str, &'static str, At, &'static str, Value)> {
    use At::{Request, Response};
    let login = "/api/v1/auth/login";
    let code = "/api/v1/me/card/code";
    let verify = "/api/v1/merchant/verifications";
    let redeem = "/api/v1/merchant/redemptions";
    vec![
        (
            login,
            "post",
            Request,
            "A password login",
            json!({
                "phone": "13800000101", "password": "gongren2026", "device": "华为 Mate 60"
            }),
        ),
        (
            login,
            "post",
            Request,
            "A one-time-code login",
            json!({
                "phone": "13800000101", "otp": "428913"
            }),
        ),
        (
            login,
            "post",
            Response("200"),
            "Signed in",
            json!({
                "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMWEyMzdjZiJ9.c2lnbmF0dXJl",
                "refresh_token": "01a237cf-f301-7115-9783-3bffe1dd3bee.Zm9yLWV4YW1wbGUtb25seQ",
                "token_type": "Bearer", "expires_in": 900,
                "session_id": "01a237cf-f301-7115-9783-3bffe1dd3bee"
            }),
        ),
        (
            login,
            "post",
            Response("422"),
            "Two mistakes in one answer",
            json!({
                "type": "urn:gangonghui:problem:validation.failed", "title": "请求参数有误",
                "status": 422, "detail": "有 2 个字段不符合要求", "code": "validation.failed",
                "errors": [
                    { "field": "phone", "code": "phone", "message": "取值无效" },
                    { "field": "otp", "code": "otp_format", "message": "取值无效" }
                ],
                "request_id": "5d0fc3a5-3ab7-4d41-b17f-ca94e099bf28"
            }),
        ),
        (
            code,
            "get",
            Response("200"),
            "The code to show at the counter",
            json!({
                "code": CODE, "qr_payload": format!("GGH1:{CODE}"),
                "expires_at": "2026-12-02T17:32:00Z"
            }),
        ),
        (
            verify,
            "post",
            Request,
            "The code the cashier scanned",
            json!({ "code": CODE }),
        ),
        (
            verify,
            "post",
            Response("200"),
            "An active card with one usable offer",
            json!({
                "card_status": "active", "holder_name": "王**",
                "eligible_offers": [
                    { "offer_id": OFFER, "title": "会员 88 折", "remaining_for_member": 1 }
                ]
            }),
        ),
        (
            redeem,
            "post",
            Request,
            "A 50.00 yuan bill with the 88折 offer",
            json!({
                "code": CODE, "offer_id": OFFER, "amount_fen": 5000
            }),
        ),
        (
            redeem,
            "post",
            Response("201"),
            "Recorded: 6.00 yuan off",
            json!({
                "id": "01a237cf-f402-779d-8903-cb56fb23f01f",
                "merchant_id": "01a237cf-e0a5-7c44-8f5e-52c1b0b9b3aa", "offer_id": OFFER,
                "original_fen": 5000, "discount_fen": 600, "payable_fen": 4400,
                "created_at": "2026-12-02T17:31:41Z"
            }),
        ),
        (
            redeem,
            "post",
            Response("409"),
            "The code was already spent",
            json!({
                "type": "urn:gangonghui:problem:code.used", "title": "会员码已使用",
                "status": 409, "detail": "会员码已使用", "code": "code.used",
                "request_id": "0f07eb8f-5cc9-4294-a529-b2cabb93b8e0"
            }),
        ),
    ]
}

/// Writes each example where it belongs; returns how many found their place.
pub fn apply(spec: &mut Value) -> usize {
    let mut placed = 0;
    for (path, method, at, summary, value) in examples() {
        let path = path.replace('/', "~1");
        let pointer = match at {
            At::Request => format!("/paths/{path}/{method}/requestBody/content"),
            At::Response(status) => format!("/paths/{path}/{method}/responses/{status}/content"),
        };
        let media = spec
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
            .and_then(|c| c.values_mut().next())
            .and_then(Value::as_object_mut);
        let Some(media) = media else { continue };
        let key = summary
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        let examples = media.entry("examples").or_insert_with(|| json!({}));
        examples[key] = json!({ "summary": summary, "value": value });
        placed += 1;
    }
    placed
}

#[cfg(test)]
mod tests {
    /// An example for an operation or status that no longer exists would vanish without a word.
    #[test]
    fn every_example_finds_its_operation_and_status() {
        let mut spec = crate::doc::openapi();
        assert_eq!(super::apply(&mut spec), super::examples().len());
    }
}

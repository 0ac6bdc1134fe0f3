//! Properties of the JSON request checker on hostile bodies: any JSON value (nested, with long
//! texts, control characters, huge and fractional numbers, real and made-up keys) sent as a
//! real request type is either accepted or answered with a non-empty list of field issues;
//! any bytes at all never panic; a valid body reads back as sent.

use std::collections::BTreeSet;

use gangonghui_domain::money::MAX_FEN;
use proptest::prelude::*;
use proptest::sample::select;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value, json};
use utoipa::ToSchema;

use super::parse;
use crate::auth::dto::{LoginBody, RegisterBody};
use crate::http::{ApiError, FieldIssueKind};
use crate::legal_aid::dto::{CreateCaseBody, TransitionBody};
use crate::merchants::counter::dto::RedeemBody;
use crate::merchants::offers::dto::CreateOfferBody;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a工 ]{0,8}",
        2 => select(vec!["13800000000", "3601000000000017123456", "percent_off", "amount_off",
            "labor_model", "wage_arrears", "accept", "2026-12-01T00:00:00Z", "", "null"])
            .prop_map(str::to_owned),
        1 => (select(vec!["a", "工", "\u{85}", "\\"]), 100usize..6_000).prop_map(|(c, n)| c.repeat(n)),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    let edges = select(vec![
        json!(0),
        json!(1),
        json!(-1),
        json!(5.0),
        json!(-0.0),
        json!(0.5),
        json!(1e308),
        json!(-1e308),
        json!(1e19),
        json!(9.3e18),
        json!(-9.3e18),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(MAX_FEN),
        json!(MAX_FEN + 1),
        json!(4_294_967_296_u64),
    ]);
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        edges,
    ]
}

/// Keys of the real bodies (so fields are reached, not only refused as unknown) and any text.
fn key() -> impl Strategy<Value = String> {
    let real = select(vec![
        "code",
        "offer_id",
        "amount_fen",
        "title",
        "kind",
        "percent_off_bp",
        "threshold_fen",
        "off_fen",
        "max_discount_fen",
        "per_member_limit",
        "limit_period",
        "total_quota",
        "audience",
        "starts_at",
        "ends_at",
        "category",
        "employer_name",
        "claim_amount_fen",
        "description",
        "contact_phone",
        "consent",
        "org_id",
        "phone",
        "otp",
        "password",
        "display_name",
        "device",
        "to",
        "note",
        "reason",
        "assignee_id",
        "recovered_fen",
        "court_case_no",
    ]);
    prop_oneof![3 => real.prop_map(str::to_owned), 1 => text()]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 10, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..10)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Every text in `v`, keys included.
fn texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| {
            out.push(k.clone());
            texts(v, out)
        }),
        _ => {}
    }
}

/// A body of type `T` is accepted or refused with field issues only, each with a known code;
/// a NUL anywhere is always named; an unknown top-level key is always named.
fn judged<T: DeserializeOwned + ToSchema + 'static>(v: &Value) -> Result<(), TestCaseError> {
    let body = serde_json::to_vec(v).unwrap();
    let issues = match parse::<T>(&body) {
        Ok(_) => Vec::new(),
        Err(ApiError::Validation(issues)) => {
            prop_assert!(!issues.is_empty());
            issues
        }
        Err(other) => return Err(TestCaseError::fail(format!("{other:?} for {v}"))),
    };
    let codes = FieldIssueKind::codes();
    prop_assert!(
        issues.iter().all(|i| codes.contains(&i.code())),
        "{:?}",
        issues
    );
    let mut all = Vec::new();
    texts(v, &mut all);
    if all.iter().any(|t| t.contains('\0')) {
        prop_assert!(
            issues.iter().any(|i| i.code() == "nul_character"),
            "{:?}",
            issues
        );
    }
    if let Value::Object(fields) = v {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let known: BTreeSet<&str> = schema["properties"]
            .as_object()
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if schema["additionalProperties"] == json!(false) {
            for key in fields
                .keys()
                .filter(|k| !known.contains(k.as_str()) && !k.contains('\0'))
            {
                let named = issues
                    .iter()
                    .any(|i| &i.field == key && i.code() == "unknown_field");
                prop_assert!(named, "{} not named in {:?}", key, issues);
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_json_is_accepted_or_answered_with_field_issues(v in value()) {
        judged::<RedeemBody>(&v)?;
        judged::<CreateOfferBody>(&v)?;
        judged::<CreateCaseBody>(&v)?;
        judged::<RegisterBody>(&v)?;
        judged::<LoginBody>(&v)?;
        judged::<TransitionBody>(&v)?;
    }

    /// Objects made of the real fields of a redemption, each with any value.
    #[test]
    fn redemption_fields_with_any_values(
        fields in proptest::collection::vec(
            (select(vec!["code", "offer_id", "amount_fen"]), value()), 0..4),
    ) {
        judged::<RedeemBody>(&Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))?;
    }

    /// Bytes that are not JSON, or JSON cut or changed anywhere, are a syntax error or judged.
    #[test]
    fn any_bytes_never_panic(
        v in value(),
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        raw in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut changed = serde_json::to_vec(&v).unwrap();
        let at = cut.index(changed.len());
        changed[at] = byte;
        for body in [&changed[..], &changed[..at], &raw[..]] {
            match parse::<CreateOfferBody>(body) {
                Ok(_) | Err(ApiError::MalformedBody(_)) => {}
                Err(ApiError::Validation(issues)) => prop_assert!(!issues.is_empty()),
                Err(other) => prop_assert!(false, "{:?}", other),
            }
        }
    }

    /// Nesting past serde_json's recursion limit is a syntax error, never a stack overflow.
    #[test]
    fn deep_nesting_is_refused_not_overflowed(depth in 1usize..2_000, object in any::<bool>()) {
        let (open, close) = if object { ("{\"code\":", "}") } else { ("[", "]") };
        let body = format!("{}0{}", open.repeat(depth), close.repeat(depth));
        match parse::<RedeemBody>(body.as_bytes()) {
            Err(ApiError::MalformedBody(_)) => prop_assert!(depth > 100),
            Err(ApiError::Validation(issues)) => prop_assert!(!issues.is_empty()),
            other => prop_assert!(false, "{:?}", other.map(|_| ())),
        }
    }

    /// A redemption within its bounds reads back as sent; an amount past them names the field.
    #[test]
    fn a_redemption_reads_back_as_sent(
        code in "(GGH1:)?[0-9]{0,40}",
        offer_id in "[0-9a-f-]{1,40}",
        amount in prop_oneof![1..=MAX_FEN, i64::MIN..=0, MAX_FEN + 1..=i64::MAX],
    ) {
        let body = json!({ "code": code, "offer_id": offer_id, "amount_fen": amount });
        let parsed = parse::<RedeemBody>(body.to_string().as_bytes());
        if (1..=MAX_FEN).contains(&amount) {
            let r = parsed.unwrap();
            prop_assert_eq!((r.code, r.offer_id.as_str(), r.amount_fen), (code, offer_id.as_str(), amount));
        } else {
            let Err(ApiError::Validation(issues)) = parsed else { return Err(TestCaseError::fail("accepted")) };
            let expected = if amount < 1 { "below_minimum" } else { "above_maximum" };
            prop_assert_eq!(issues.len(), 1);
            prop_assert_eq!((issues[0].field.as_str(), issues[0].code()), ("amount_fen", expected));
        }
    }
}

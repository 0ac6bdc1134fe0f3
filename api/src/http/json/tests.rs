use super::parse;
use crate::http::ApiError;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Purpose {
    Register,
    Login,
}

#[derive(Debug, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
struct Line {
    #[schema(minimum = 1)]
    amount_fen: i64,
}

#[derive(Debug, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
struct Form {
    #[schema(min_length = 2, max_length = 8)]
    name: String,
    purpose: Purpose,
    age: Option<u8>,
    #[schema(maximum = 100)]
    count: i64,
    lines: Vec<Line>,
    flag: Option<bool>,
}

fn issues(body: &str) -> Vec<(String, String)> {
    match parse::<Form>(body.as_bytes()) {
        Err(ApiError::Validation(issues)) => issues
            .into_iter()
            .map(|i| {
                let code = i.code().to_owned();
                (i.field, code)
            })
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_valid_body_parses() {
    let form = parse::<Form>(
        br#"{"name":"Li","purpose":"login","count":3,"lines":[{"amount_fen":5}],"age":null}"#,
    );
    assert_eq!(
        form.ok().map(|f| (f.name, f.purpose, f.age, f.lines.len())),
        Some(("Li".into(), Purpose::Login, None, 1))
    );
}

#[test]
fn every_bad_field_is_listed_at_once() {
    let mut found = issues(
        r#"{"name":"x","purpose":"fly","age":"ten","count":101,"lines":[{"amount_fen":0},{"amount_fen":1,"extra":1}],"bogus":true}"#,
    );
    found.sort();
    let mut expected = vec![
        ("name".to_owned(), "too_short".to_owned()),
        ("purpose".into(), "not_one_of".into()),
        ("age".into(), "invalid_type".into()),
        ("count".into(), "above_maximum".into()),
        ("lines[0].amount_fen".into(), "below_minimum".into()),
        ("lines[1].extra".into(), "unknown_field".into()),
        ("bogus".into(), "unknown_field".into()),
    ];
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn missing_and_null_required_fields_are_required() {
    let mut found = issues(r#"{"name":null}"#);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("count".to_owned(), "required".to_owned()),
            ("lines".into(), "required".into()),
            ("name".into(), "required".into()),
            ("purpose".into(), "required".into()),
        ]
    );
}

#[test]
fn integers_out_of_their_type_range_are_rejected() {
    let found = issues(r#"{"name":"Li","purpose":"login","count":3,"lines":[],"age":300}"#);
    assert_eq!(found, vec![("age".to_owned(), "above_maximum".to_owned())]);
    let found = issues(r#"{"name":"Li","purpose":"login","count":1.5,"lines":[]}"#);
    assert_eq!(found, vec![("count".to_owned(), "invalid_type".to_owned())]);
}

#[test]
fn a_nul_character_anywhere_is_named_with_the_other_issues() {
    let mut found = issues(
        r#"{"name":"L\u0000i","purpose":"login","count":101,"lines":[{"amount_fen":1}],"age":null}"#,
    );
    found.sort();
    assert_eq!(
        found,
        vec![
            ("count".to_owned(), "above_maximum".to_owned()),
            ("name".into(), "nul_character".into()),
        ]
    );
}

#[test]
fn whole_numbers_written_with_a_fraction_are_integers() {
    let form = parse::<Form>(br#"{"name":"Li","purpose":"login","count":3.0,"lines":[]}"#);
    assert_eq!(form.ok().map(|f| f.count), Some(3));
}

#[test]
fn a_body_that_is_not_an_object_is_one_issue() {
    assert_eq!(
        issues("[1,2]"),
        vec![(String::new(), "invalid_type".to_owned())]
    );
}

#[test]
fn syntax_errors_are_400_and_name_only_the_position() {
    match parse::<Form>(br#"{"name": "secret-id-3601""#) {
        Err(ApiError::MalformedBody(why)) => assert!(!why.contains("secret"), "{why}"),
        other => panic!("expected malformed body, got {other:?}"),
    }
    assert!(matches!(
        parse::<Form>(b"not json"),
        Err(ApiError::MalformedBody(_))
    ));
}

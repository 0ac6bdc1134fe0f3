//! Properties of reading an evidence upload and naming what was read, on hostile forms: any
//! body, boundary or content type is answered (never a panic, never a wait for bytes that
//! cannot come) and only with the form's own refusals; a form cut short is never taken for a
//! whole one; a well-formed form is read exactly, judged part by part, and the file it holds
//! gets a safe name ending in the extension of what its bytes are.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, test::TestRequest, web::Payload};
use gangonghui_domain::legal_aid::evidence::{EvidenceKind, display_name};
use gangonghui_domain::text::is_format_char;
use proptest::prelude::*;
use proptest::sample::select;

use super::LegalAidError;
use super::upload::{Upload, read};
use crate::http::ApiError;

const BOUNDARY: &str = "gghB0UNDARY";

/// A generous bound on polls for bodies of a few kilobytes; past it `read` is spinning.
const MAX_POLLS: usize = 10_000;

struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Drives `future` by hand, with no runtime. The body is all in memory, so a `Pending` that
/// nothing will wake is what the server would do on a live connection: hold the request
/// forever. The test then fails at once instead of hanging with it (as a `block_on` did).
fn run<F: Future>(future: F) -> Result<F::Output, TestCaseError> {
    let woken = Arc::new(Woken(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&woken));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    for _ in 0..MAX_POLLS {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Ok(out);
        }
        if !woken.0.swap(false, Ordering::SeqCst) {
            return Err(TestCaseError::fail("waits for bytes that will never come"));
        }
    }
    Err(TestCaseError::fail(format!(
        "still busy after {MAX_POLLS} polls"
    )))
}

fn read_body(content_type: &str, body: Vec<u8>) -> Result<Result<Upload, ApiError>, TestCaseError> {
    let (req, mut payload) = TestRequest::post()
        .insert_header((CONTENT_TYPE, content_type))
        .set_payload(body)
        .to_http_parts();
    let payload = run(Payload::from_request(&req, &mut payload))?.unwrap();
    run(read(&req, payload))
}

/// What `read` may answer besides an upload: the form's own refusals and field issues.
fn is_a_form_answer(result: &Result<Upload, ApiError>) -> bool {
    match result {
        Ok(_) => true,
        Err(ApiError::LegalAid(e)) => matches!(
            e,
            LegalAidError::FormRequired
                | LegalAidError::MalformedForm
                | LegalAidError::FileTooLarge
        ),
        Err(ApiError::Validation(issues)) => !issues.is_empty(),
        Err(_) => false,
    }
}

type Part = (String, Option<String>, Vec<u8>);

/// One part: its name, its file name and its bytes (which may start with a real signature).
fn part() -> impl Strategy<Value = Part> {
    let name =
        prop_oneof![3 => Just("file".to_owned()), 1 => Just("note".to_owned()), 1 => "[a-z_]{1,8}"];
    // Anything a header can carry: no controls, and no quote or backslash to escape.
    let file_name = proptest::option::of("[^\"\\\\\\x00-\\x1f\\x7f]{0,40}");
    let signature = select(vec![
        &b""[..],
        b"%PDF-1.7\n",
        b"\xFF\xD8\xFF\xE0",
        b"\x89PNG\r\n\x1a\n",
    ]);
    // Carriage returns, line feeds and dashes often, so parts end in what a delimiter starts with.
    let byte = prop_oneof![3 => any::<u8>(), 1 => select(vec![b'\r', b'\n', b'-'])];
    let bytes = (signature, proptest::collection::vec(byte, 0..512))
        .prop_map(|(sig, tail)| [sig, &tail[..]].concat());
    (name, file_name, bytes)
}

fn form(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        let file_name = file_name
            .as_ref()
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file_name}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn form_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// No part's bytes contain the delimiter that would end them early.
fn delimiter_free(boundary: &str, parts: &[Part]) -> bool {
    let delimiter = format!("\r\n--{boundary}");
    !parts.iter().any(|(_, _, b)| {
        b.windows(delimiter.len())
            .any(|w| w == delimiter.as_bytes())
    })
}

proptest! {
    /// Any bytes, or a real form cut anywhere, under any boundary down to one character.
    #[test]
    fn any_body_is_read_or_refused_as_a_form(
        boundary in prop_oneof![Just(BOUNDARY.to_owned()), "[0-9A-Za-z_-]{1,3}"],
        raw in proptest::collection::vec(any::<u8>(), 0..1024),
        parts in proptest::collection::vec(part(), 0..3),
        cut in any::<prop::sample::Index>(),
    ) {
        let result = read_body(&form_type(&boundary), raw)?;
        prop_assert!(is_a_form_answer(&result));
        let whole = form(&boundary, &parts);
        let at = cut.index(whole.len() + 1);
        let result = read_body(&form_type(&boundary), whole[..at].to_vec())?;
        prop_assert!(is_a_form_answer(&result));
        // Only the CRLF after the close delimiter is optional; without it a file may be partial.
        if at < whole.len() - 2 {
            prop_assert!(result.is_err(), "a form cut at {} of {} was accepted", at, whole.len());
        }
    }

    #[test]
    fn any_content_type_is_read_or_refused_as_a_form(content_type in "[ -~]{0,60}", parts in proptest::collection::vec(part(), 0..2)) {
        let result = read_body(&content_type, form(BOUNDARY, &parts))?;
        prop_assert!(is_a_form_answer(&result));
        if !content_type.to_ascii_lowercase().contains("multipart/form-data") {
            prop_assert!(matches!(result, Err(ApiError::LegalAid(LegalAidError::FormRequired))));
        }
    }

    /// A well-formed form is read exactly: accepted only as one part named `file`, its bytes
    /// and file name as sent; otherwise every extra part and a missing file are named (an
    /// empty form too: it lacks the file, it is not malformed).
    #[test]
    fn a_well_formed_form_is_judged_part_by_part(parts in proptest::collection::vec(part(), 0..4)) {
        prop_assume!(delimiter_free(BOUNDARY, &parts));
        let result = read_body(&form_type(BOUNDARY), form(BOUNDARY, &parts))?;
        match (&parts[..], result) {
            ([(name, file_name, bytes)], Ok(upload)) if name == "file" => {
                prop_assert_eq!(&upload.bytes, bytes);
                prop_assert_eq!(&upload.client_name, file_name);
            }
            (_, Err(ApiError::Validation(issues))) => {
                let mut expected = Vec::new();
                let mut seen_file = false;
                for (name, _, _) in &parts {
                    match (name.as_str(), seen_file) {
                        ("file", false) => seen_file = true,
                        ("file", true) => expected.push(("file".to_owned(), "duplicate")),
                        (other, _) => expected.push((other.to_owned(), "unknown_field")),
                    }
                }
                if !seen_file {
                    expected.push(("file".to_owned(), "required"));
                }
                let found: Vec<(String, &str)> = issues.iter().map(|i| (i.field.clone(), i.kind.code())).collect();
                prop_assert_eq!(found, expected);
            }
            (_, other) => prop_assert!(false, "{:?}", other.map(|u| u.bytes.len())),
        }
    }

    /// What an upload's bytes are decides its kind; its kept name is one safe segment ending in
    /// that kind's extension.
    #[test]
    fn an_uploaded_file_gets_a_safe_name((_, file_name, bytes) in part()) {
        let parts = [("file".to_owned(), file_name, bytes)];
        prop_assume!(delimiter_free(BOUNDARY, &parts));
        let upload = read_body(&form_type(BOUNDARY), form(BOUNDARY, &parts))?.unwrap();
        let Some(kind) = EvidenceKind::sniff(&upload.bytes) else { return Ok(()) };
        let kept = display_name(upload.client_name.as_deref(), kind);
        prop_assert!(!kept.contains(['/', '\\']) && !kept.chars().any(|c| c.is_control() || is_format_char(c)));
        let lower = kept.to_ascii_lowercase();
        prop_assert!(kind.extensions().iter().any(|e| lower.ends_with(&format!(".{e}"))), "{:?}", kept);
    }
}

/// The bodies that found each bug, run every time rather than when the generator happens on
/// them. actix-multipart 0.7.2 waited forever on the first five, panicked on the two short
/// boundaries and called the empty form malformed.
#[test]
fn the_bodies_that_found_bugs_are_answered() {
    let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF");
    for tail in ["\r", "\r\n", "\r\n-", "\r\n--ggh", "\r--ggh"] {
        let result = read_body(&form_type(BOUNDARY), format!("{head}{tail}").into_bytes());
        let refused = matches!(
            result,
            Ok(Err(ApiError::LegalAid(LegalAidError::MalformedForm)))
        );
        assert!(
            refused,
            "{tail:?}: {:?}",
            result.map(|r| r.map(|u| u.bytes))
        );
    }
    for (boundary, body) in [("a", "\n"), ("ab", "--\n")] {
        let result = read_body(&form_type(boundary), body.into());
        let refused = matches!(
            result,
            Ok(Err(ApiError::LegalAid(LegalAidError::MalformedForm)))
        );
        assert!(refused, "{body:?}");
    }
    let Ok(Err(ApiError::Validation(issues))) =
        read_body(&form_type(BOUNDARY), form(BOUNDARY, &[]))
    else {
        panic!("an empty form is a form without its file");
    };
    let found: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.kind.code()))
        .collect();
    assert_eq!(found, [("file", "required")]);
}

/// actix-multipart 0.8 buffers at most 64 KiB of a body it has not yet split into parts: a file
/// far larger still reads whole, and a line longer than the buffer is refused as malformed.
#[test]
fn a_large_file_reads_whole_and_an_endless_line_is_refused() {
    let bytes: Vec<u8> = (0..1_048_576u32).map(|i| (i % 251) as u8).collect();
    let parts = [("file".to_owned(), Some("big.pdf".to_owned()), bytes.clone())];
    assert!(delimiter_free(BOUNDARY, &parts));
    let upload = read_body(&form_type(BOUNDARY), form(BOUNDARY, &parts))
        .unwrap()
        .unwrap();
    assert_eq!(upload.bytes, bytes);
    let endless = vec![b'x'; 1_048_576];
    let result = read_body(&form_type(BOUNDARY), endless).unwrap();
    assert!(matches!(
        result,
        Err(ApiError::LegalAid(LegalAidError::MalformedForm))
    ));
}

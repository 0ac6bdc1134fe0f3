//! Properties of the counter-code parser on anything a counter might send: it never panics,
//! what it accepts is exactly a card number and six digits, and every code it formats reads
//! back in either form.

use gangonghui_domain::card::CardNo;
use proptest::prelude::*;

use super::codes::{PresentedCode, QR_PREFIX, format_code, parse};
use crate::membership::MemberError;

fn card() -> impl Strategy<Value = CardNo> {
    (1u8..=11, 0u64..100_000_000_000).prop_map(|(city, serial)| CardNo::new(city, serial).unwrap())
}

/// Text near the accepted forms as well as any text at all.
fn presented() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\s?(GGH[0-9]:?)?[0-9]{20,24}\\s?",
        (card(), "[0-9]{5,7}", "(GGH1:)?")
            .prop_map(|(no, otp, prefix)| format!("{prefix}{}{otp}", no.as_str())),
    ]
}

proptest! {
    #[test]
    fn anything_parses_or_is_an_invalid_code(raw in presented()) {
        match parse(&raw) {
            Ok(PresentedCode { card_no, otp }) => {
                let digits = raw.trim();
                let digits = digits.strip_prefix(QR_PREFIX).unwrap_or(digits);
                prop_assert!(otp < 1_000_000);
                prop_assert_eq!(format_code(card_no.as_str(), otp), digits);
                prop_assert_eq!(CardNo::parse(card_no.as_str()), Ok(card_no));
            }
            Err(e) => prop_assert_eq!(e, MemberError::CodeInvalid),
        }
    }

    #[test]
    fn a_formatted_code_reads_back_in_either_form(no in card(), otp in 0u32..1_000_000, pad in "[ \t]{0,2}") {
        let code = format_code(no.as_str(), otp);
        prop_assert_eq!(code.len(), 22);
        let expected = PresentedCode { card_no: no, otp };
        prop_assert_eq!(parse(&format!("{pad}{code}{pad}")), Ok(expected.clone()));
        prop_assert_eq!(parse(&format!("{pad}{QR_PREFIX}{code}{pad}")), Ok(expected));
    }
}

//! Enums stored and sent as text. Each variant's text is spelled once, in the enum's
//! `text_enum!` definition; `as_str`, `parse`, `ALL`, `TryFrom<String>` and `Into<String>` (what
//! the persistence rows read and write through), `Display` and the serde names all follow from it.

/// A stored or received text that names no variant of the enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {type_name}")]
pub struct UnknownText {
    pub type_name: &'static str,
    pub value: String,
}

/// Characters that change how text shows without showing themselves: zero-width and joiner
/// characters, bidirectional marks and overrides (which can make `gpj.exe` read as `exe.jpg`),
/// the line and paragraph separators and the byte-order mark.
pub fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Characters no text sent to the API may hold: the C0 controls but tab, line feed and carriage
/// return, DEL and the C1 controls, and the bidirectional embeddings, overrides and isolates
/// (which make a name or title display in another order than it is stored).
pub fn is_forbidden_in_text(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with each character [`is_forbidden_in_text`] refuses written as `\uXXXX`: for echoing
/// what a client sent (the name of a field it invented) without sending control or bidi
/// characters back, into a log or a terminal.
pub fn escape_forbidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_forbidden_in_text(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The same set as an ECMA-262 / JSON Schema pattern for a whole string, for the API's spec.
pub const ALLOWED_TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$";

/// Defines an enum whose variants are stored and sent as the given texts. With the `openapi`
/// feature the enum also derives `utoipa::ToSchema`, so the API's spec lists its values.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $ty {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The text this variant is stored and sent as.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Option<$ty> {
                match raw {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::text::UnknownText;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $ty::parse(&value).ok_or_else(|| $crate::text::UnknownText {
                    type_name: stringify!($ty),
                    value,
                })
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::text_enum! {
        /// A test enum.
        pub enum Colour {
            Red = "red",
            /// Two words.
            DeepBlue = "deep_blue",
        }
    }

    #[test]
    fn each_variant_round_trips_through_its_text_and_serde() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            assert_eq!(Colour::try_from(c.to_string()), Ok(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(Colour::DeepBlue.as_str(), "deep_blue");
    }

    #[test]
    fn the_text_rule_keeps_line_breaks_and_chinese_but_not_controls_or_overrides() {
        use crate::text::is_forbidden_in_text as forbidden;
        for ok in ['\t', '\n', '\r', ' ', '王', '—', '…', '\u{200E}', 'é'] {
            assert!(!forbidden(ok), "{ok:?}");
        }
        for bad in [
            '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{202E}', '\u{2066}',
        ] {
            assert!(forbidden(bad), "{bad:?}");
        }
        // The spec's pattern states the same set.
        let pattern = regex::Regex::new(crate::text::ALLOWED_TEXT_PATTERN).unwrap();
        for c in (0..=0x2100u32)
            .chain(0x2060..0x2070)
            .filter_map(char::from_u32)
        {
            assert_eq!(pattern.is_match(&c.to_string()), !forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn an_echoed_field_name_carries_no_control_or_override() {
        use crate::text::escape_forbidden;
        assert_eq!(escape_forbidden("phone"), "phone");
        assert_eq!(
            escape_forbidden("王\u{1b}[2J\u{202E}x"),
            "王\\u001b[2J\\u202ex"
        );
        let pattern = regex::Regex::new(crate::text::ALLOWED_TEXT_PATTERN).unwrap();
        let every: String = (0..0x2100u32).filter_map(char::from_u32).collect();
        assert!(pattern.is_match(&escape_forbidden(&every)));
    }

    #[test]
    fn unknown_text_names_the_type_and_value() {
        let err = Colour::try_from("green".to_owned()).unwrap_err();
        assert_eq!(err.type_name, "Colour");
        assert_eq!(err.value, "green");
        assert_eq!(Colour::parse(""), None);
    }
}

//! Evidence files: what a file is, decided by its first bytes (never by its name or the type the
//! client declares), and the limits on how many and how large.

/// The largest evidence file: 10 MiB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most files one case may hold.
pub const MAX_FILES_PER_CASE: i64 = 20;
/// The longest original file name kept (in characters).
pub const MAX_NAME_CHARS: usize = 120;

crate::text_enum! {
    /// A kind of evidence file the server accepts.
    pub enum EvidenceKind {
        Pdf = "application/pdf",
        Jpeg = "image/jpeg",
        Png = "image/png",
    }
}

impl EvidenceKind {
    /// The kind `bytes` really are, by their signature; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<EvidenceKind> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.starts_with(b"%PDF-") {
            Some(EvidenceKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(EvidenceKind::Jpeg)
        } else if bytes.starts_with(PNG) {
            Some(EvidenceKind::Png)
        } else {
            None
        }
    }

    /// The extensions a name of this kind may end in.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            EvidenceKind::Pdf => &["pdf"],
            EvidenceKind::Jpeg => &["jpg", "jpeg"],
            EvidenceKind::Png => &["png"],
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "pdf",
            EvidenceKind::Jpeg => "jpg",
            EvidenceKind::Png => "png",
        }
    }
}

/// The name to keep for an uploaded file: the last path segment of what the client sent (a
/// traversal like `../../etc/passwd` keeps only `passwd`), without control or format
/// characters, at most [`MAX_NAME_CHARS`], ending in the extension of what the bytes really are
/// (`payslip.pdf.hta` holding a PDF is kept as `payslip.pdf.hta.pdf`: a saved download never
/// opens as a script); `evidence.<ext>` when nothing usable is left. The name is only ever shown
/// back (in `Content-Disposition`); files are stored under server-chosen names.
pub fn display_name(client_name: Option<&str>, kind: EvidenceKind) -> String {
    let last = client_name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let ext = kind.extension();
    let room = MAX_NAME_CHARS - ext.len() - 1;
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !crate::text::is_format_char(*c))
        .take(MAX_NAME_CHARS)
        .collect();
    // Dots and spaces in any mix: `. .pdf` must not come out as the hidden name `.pdf`.
    let clean = clean
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end()
        .to_owned();
    if clean.is_empty() {
        return format!("evidence.{ext}");
    }
    let lower = clean.to_lowercase();
    if kind
        .extensions()
        .iter()
        .any(|e| lower.ends_with(&format!(".{e}")))
    {
        return clean;
    }
    let stem: String = clean.chars().take(room).collect();
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_bytes() {
        assert_eq!(
            EvidenceKind::sniff(b"%PDF-1.7\n..."),
            Some(EvidenceKind::Pdf)
        );
        assert_eq!(
            EvidenceKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(EvidenceKind::Jpeg)
        );
        assert_eq!(
            EvidenceKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(EvidenceKind::Png)
        );
        for other in [
            &b"hello, this is text"[..],
            b"",
            b"%PD",
            b"GIF89a",
            b"\x89PNG",
            b"PK\x03\x04",
        ] {
            assert_eq!(EvidenceKind::sniff(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_client_name_keeps_its_last_segment_without_controls() {
        let pdf = EvidenceKind::Pdf;
        assert_eq!(display_name(Some("../../etc/passwd"), pdf), "passwd.pdf");
        assert_eq!(
            display_name(Some("../../etc/passwd.pdf"), pdf),
            "passwd.pdf"
        );
        assert_eq!(
            display_name(Some("payslip.pdf.hta"), pdf),
            "payslip.pdf.hta.pdf"
        );
        assert_eq!(
            display_name(Some("PHOTO.JPEG"), EvidenceKind::Jpeg),
            "PHOTO.JPEG"
        );
        assert_eq!(
            display_name(Some("photo.png"), EvidenceKind::Jpeg),
            "photo.png.jpg"
        );
        assert_eq!(
            display_name(Some("a\u{061C}b\u{FEFF}\u{2028}.pdf"), pdf),
            "ab.pdf"
        );
        assert_eq!(
            display_name(Some("C:\\Users\\王\\工资条.pdf"), pdf),
            "工资条.pdf"
        );
        assert_eq!(display_name(Some("a\r\nb\0.pdf"), pdf), "ab.pdf");
        assert_eq!(display_name(Some("x\u{202E}fdp.exe"), pdf), "xfdp.exe.pdf");
        assert_eq!(display_name(Some("../"), pdf), "evidence.pdf");
        assert_eq!(display_name(Some(".."), EvidenceKind::Png), "evidence.png");
        assert_eq!(display_name(Some(". .pdf"), pdf), "pdf.pdf");
        assert_eq!(display_name(None, EvidenceKind::Jpeg), "evidence.jpg");
        assert_eq!(
            display_name(Some(&"长".repeat(500)), pdf).chars().count(),
            MAX_NAME_CHARS
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    const SIGNATURES: [(&[u8], EvidenceKind); 3] = [
        (b"%PDF-", EvidenceKind::Pdf),
        (&[0xFF, 0xD8, 0xFF], EvidenceKind::Jpeg),
        (b"\x89PNG\r\n\x1a\n", EvidenceKind::Png),
    ];

    fn kind() -> impl Strategy<Value = EvidenceKind> {
        select(EvidenceKind::ALL)
    }

    /// Names a client might send, hostile ones included: separators, dots, controls, bidi and
    /// zero-width characters, CJK, extensions in any case, and any text at all.
    fn client_name() -> impl Strategy<Value = Option<String>> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 _-]{1,12}",
            select(vec![
                "/",
                "\\",
                ".",
                "..",
                " ",
                "\0",
                "\r\n",
                "\u{7f}",
                "\u{85}",
                "\u{202E}",
                "\u{FEFF}",
                "\u{200B}",
                "\u{3000}",
                "工资条",
                ".pdf",
                ".PDF",
                ".jpeg",
                ".png",
                ".exe"
            ])
            .prop_map(str::to_owned),
            any::<String>(),
        ];
        // Short mixes of the characters a cleaner trims, with and without an extension.
        let edges = "[. \u{3000}\u{202E}\t/\\\\a]{0,6}(\\.(pdf|PDF|jpg|jpeg|png|exe))?";
        let pieces = proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat());
        proptest::option::of(prop_oneof![edges, pieces])
    }

    proptest! {
        #[test]
        fn the_kind_is_the_signature(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let expected = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)).map(|(_, k)| *k);
            prop_assert_eq!(EvidenceKind::sniff(&bytes), expected);
        }

        #[test]
        fn a_signature_decides_whatever_follows(
            which in 0usize..3,
            tail in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let (sig, kind) = SIGNATURES[which];
            prop_assert_eq!(EvidenceKind::sniff(&[sig, &tail].concat()), Some(kind));
        }

        /// Whatever the client sends, the kept name is one safe segment ending in an extension
        /// of the real kind, and keeping it again changes nothing.
        #[test]
        fn a_kept_name_is_safe(name in client_name(), kind in kind()) {
            let kept = display_name(name.as_deref(), kind);
            prop_assert!(!kept.contains(['/', '\\']), "{:?}", kept);
            prop_assert!(!kept.chars().any(|c| c.is_control() || crate::text::is_format_char(c)), "{:?}", kept);
            prop_assert!(kept.chars().count() <= MAX_NAME_CHARS);
            prop_assert!(!kept.starts_with('.') && kept.trim() == kept, "{:?}", kept);
            let lower = kept.to_ascii_lowercase();
            prop_assert!(kind.extensions().iter().any(|e| lower.ends_with(&format!(".{e}"))), "{:?}", kept);
            prop_assert_eq!(display_name(Some(&kept), kind), kept);
        }

        #[test]
        fn a_plain_name_is_kept_as_sent(dir in "[a-z/]{0,10}", stem in "[a-zA-Z0-9_-][a-zA-Z0-9 ._-]{0,60}[a-zA-Z0-9_-]", kind in kind()) {
            let name = format!("{stem}.{}", kind.extension());
            prop_assert_eq!(display_name(Some(&format!("{dir}/{name}")), kind), name);
        }
    }
}

//! The language of human-readable messages: zh-CN unless the caller prefers English.

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks from `Accept-Language` by quality: English wins only when ranked above Chinese.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    }

    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// Picks the message in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn english_only_when_preferred() {
        for (header, lang) in [
            ("en", Lang::En),
            ("en-US,en;q=0.9", Lang::En),
            ("zh-CN,zh;q=0.9,en;q=0.8", Lang::Zh),
            ("en;q=0.5,zh-CN", Lang::Zh),
            ("fr-FR, en;q=0.7", Lang::En),
            ("fr-FR", Lang::Zh),
            ("en;q=0", Lang::Zh),
            ("", Lang::Zh),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header:?}");
        }
    }
}

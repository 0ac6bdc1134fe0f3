//! How a refusal answers, and the trait by which each feature's error enum states it.

use actix_web::http::StatusCode;

use super::i18n::Lang;

/// How one refusal answers: status, stable code, title in each language, and for how long the
/// client should wait before retrying (`Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub code: &'static str,
    zh: &'static str,
    en: &'static str,
    pub retry_after: Option<u64>,
    /// For a 429 from a counted limit: the limit, stated in `RateLimit-Policy`.
    pub policy: Option<RatePolicy>,
}

/// A counted limit as the `RateLimit-Policy` header states it: at most `quota` in `window_secs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RatePolicy {
    pub name: &'static str,
    pub quota: i64,
    pub window_secs: u64,
}

impl Answer {
    pub const fn new(
        status: StatusCode,
        code: &'static str,
        zh: &'static str,
        en: &'static str,
    ) -> Self {
        Answer {
            status,
            code,
            zh,
            en,
            retry_after: None,
            policy: None,
        }
    }

    pub const fn retry_after(self, seconds: u64) -> Self {
        Answer {
            retry_after: Some(seconds),
            ..self
        }
    }

    /// A refusal by a counted limit: wait out its window.
    pub const fn limited_by(self, policy: RatePolicy) -> Self {
        Answer {
            retry_after: Some(policy.window_secs),
            policy: Some(policy),
            ..self
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

/// A feature's error enum. Its `problems.rs` maps every variant to an [`Answer`] in one
/// exhaustive match, so the enum itself stays a list of facts without HTTP.
pub trait Refusal {
    fn answer(&self) -> Answer;
}

/// A refusal's answer, so a list of them (the spec's per-operation errors) can be written with
/// `.into()`.
impl<E: Refusal> From<E> for Answer {
    fn from(refusal: E) -> Answer {
        refusal.answer()
    }
}

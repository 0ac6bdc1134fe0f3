//! 法律援助: a worker's request for legal help, which becomes a case that union officers review,
//! assign, mediate and close. The rules here are pure: categories, states and who may move a
//! case where ([`workflow`]), what a piece of evidence is ([`evidence`]), the review deadline and
//! the bounds of what an applicant or handler may write.

pub mod evidence;
pub mod workflow;

use chrono::{DateTime, Duration, Utc};

use crate::time::{next_shanghai_day_start, shanghai_day_start};

crate::text_enum! {
    /// What the dispute is about.
    pub enum CaseCategory {
        /// 欠薪
        WageArrears = "wage_arrears",
        /// 劳动合同
        LaborContract = "labor_contract",
        /// 工伤
        WorkInjury = "work_injury",
        /// 社保
        SocialInsurance = "social_insurance",
        /// 解除劳动关系
        Dismissal = "dismissal",
        Other = "other",
    }
}

/// The version of the separate consent (PIPL art. 29) an applicant gives to the processing of
/// the sensitive data in a request. Stored with each case, so a changed text never silently
/// covers cases consented to under the old one.
pub const CONSENT_VERSION: &str = "2026-12-legal-aid-v1";

/// The consent text of [`CONSENT_VERSION`], as the app shows it before the applicant agrees.
pub const CONSENT_TEXT_ZH: &str = "本人同意江西省总工会及其授权的法律援助工作人员，为办理本人的法律援助申请，\
收集、存储和使用本人提交的个人信息（包括联系电话、争议情况说明及证据材料），并在办理需要时向调解组织、\
仲裁机构或人民法院提供。上述信息仅用于本申请，加密保存，本人可随时撤回申请。";

pub const CONSENT_TEXT_EN: &str = "I consent to the Jiangxi Federation of Trade Unions and its \
authorised legal-aid staff collecting, storing and using the personal information I submit \
(contact phone, description of the dispute and evidence) to handle my legal-aid request, and \
providing it to a mediation body, arbitration commission or people's court where the case needs \
it. The information is used for this request only and kept encrypted; I may withdraw the request \
at any time.";

/// Days a union has to review a submitted request (real union rules say 5-7).
pub const REVIEW_DAYS: i64 = 7;

/// A request submitted at `submitted_at` must be reviewed before the end of the seventh
/// Asia/Shanghai calendar day after the day it came in: a request filed on Monday evening is due
/// at the midnight that ends the next Monday.
pub fn review_due_at(submitted_at: DateTime<Utc>) -> DateTime<Utc> {
    next_shanghai_day_start(shanghai_day_start(submitted_at) + Duration::days(REVIEW_DAYS))
}

/// The largest amount a claim or a recovery may state: 1 亿元. Far above any one worker's wage
/// claim, and small enough that the sum of every case in the province cannot overflow an i64.
pub const MAX_AMOUNT_FEN: i64 = crate::money::MAX_FEN;

/// Most characters in a case description.
pub const DESCRIPTION_MAX: u64 = 5000;
/// Most characters in a message, note or reason.
pub const MESSAGE_MAX: u64 = 2000;
/// Most characters in an employer's name.
pub const EMPLOYER_MAX: u64 = 100;
/// Most characters in a court case number (e.g. （2026）赣0102民诉前调1234号).
pub const COURT_CASE_NO_MAX: u64 = 64;

/// An employer's name as the duplicate rule compares it: only its letters and digits, full-width
/// forms read as their ASCII twins, ASCII in lower case. Spacing, brackets, punctuation and
/// invisible characters do not make another employer (people type "（集团）" and "(集团)", and a
/// zero-width space must not slip a second request past the rule).
pub fn employer_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn review_is_due_at_the_end_of_the_seventh_shanghai_day() {
        // Monday 2026-12-07 20:00 in Shanghai is 12:00 UTC; due at Tuesday 12-15 00:00 Shanghai.
        assert_eq!(
            review_due_at(utc(2026, 12, 7, 12, 0)),
            utc(2026, 12, 14, 16, 0)
        );
        // 23:59 Shanghai is still the same day...
        assert_eq!(
            review_due_at(utc(2026, 12, 7, 15, 59)),
            utc(2026, 12, 14, 16, 0)
        );
        // ...and 00:00 Shanghai (16:00 UTC) is the next one.
        assert_eq!(
            review_due_at(utc(2026, 12, 7, 16, 0)),
            utc(2026, 12, 15, 16, 0)
        );
        // Across a month and a year end.
        assert_eq!(
            review_due_at(utc(2026, 12, 28, 1, 0)),
            utc(2027, 1, 4, 16, 0)
        );
    }

    #[test]
    fn employer_names_compare_without_case_spacing_or_bracket_width() {
        assert_eq!(
            employer_key("  南昌  某建筑（集团）公司 "),
            employer_key("南昌 某建筑(集团)公司")
        );
        assert_eq!(employer_key("ACME Ltd"), employer_key("acme   ltd"));
        assert_ne!(employer_key("甲公司"), employer_key("乙公司"));
        for sneaky in [
            "Dup\u{200B}Race Co",
            "Dup Race Co\u{202E}",
            "Ｄｕｐ Ｒａｃｅ Ｃｏ",
            "Dup Race Co.",
        ] {
            assert_eq!(
                employer_key(sneaky),
                employer_key("dup race co"),
                "{sneaky:?}"
            );
        }
    }

    #[test]
    fn the_sum_of_many_maximal_amounts_fits_an_i64() {
        // A million cases at the maximum each: the province's total cannot overflow.
        assert!(MAX_AMOUNT_FEN.checked_mul(1_000_000).is_some());
    }
}

//! Wire types of merchants, their applications, staff and keys.

use chrono::{DateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::credit_code::CreditCode;
use gangonghui_domain::geo::Point;
use gangonghui_domain::merchant::Category;
use gangonghui_persistence::merchants::{MerchantApplicationRow, MerchantRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::onboarding::ApplicationCmd;
use crate::http::Issues;
use crate::http::{ApiError, FieldIssueKind};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryDto {
    Dining,
    Retail,
    Health,
    Travel,
    Education,
    Services,
    Other,
}

impl From<CategoryDto> for Category {
    fn from(c: CategoryDto) -> Self {
        match c {
            CategoryDto::Dining => Category::Dining,
            CategoryDto::Retail => Category::Retail,
            CategoryDto::Health => Category::Health,
            CategoryDto::Travel => Category::Travel,
            CategoryDto::Education => Category::Education,
            CategoryDto::Services => Category::Services,
            CategoryDto::Other => Category::Other,
        }
    }
}

/// The 2-digit city (1..=11) of a Jiangxi city or county division code.
pub fn city_of_division(code: &str) -> Option<u8> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) || !code.starts_with("36") {
        return None;
    }
    let city: u8 = code[2..4].parse().ok()?;
    (1..=11).contains(&city).then_some(city)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MerchantApplicationBody {
    #[schema(example = "老表家常菜", min_length = 1, max_length = 64)]
    pub name: String,
    /// 18-character unified social credit code (GB 32100-2015).
    #[schema(example = "91350100M000100Y43", min_length = 18, max_length = 18)]
    pub credit_code: String,
    pub category: CategoryDto,
    /// Division code of the merchant's county or city, e.g. 360102.
    #[schema(example = "360102", min_length = 6, max_length = 6)]
    pub division_code: String,
    #[schema(
        example = "南昌市东湖区八一大道 1 号",
        min_length = 1,
        max_length = 200
    )]
    pub address: String,
    /// Latitude, -90 to 90 (checked with the other fields, so one answer names every mistake).
    #[schema(example = 28.682)]
    pub lat: f64,
    /// Longitude, -180 to 180.
    #[schema(example = 115.858)]
    pub lng: f64,
    #[schema(example = "13800000000", max_length = 20)]
    pub contact_phone: String,
}

impl MerchantApplicationBody {
    pub fn into_domain(self) -> Result<ApplicationCmd, ApiError> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().any(char::is_control) {
            issues.push("name", FieldIssueKind::Invalid { reason: "name" });
        }
        let address = self.address.trim().to_owned();
        if address.is_empty() {
            issues.push("address", FieldIssueKind::Required);
        }
        let credit_code = issues.check(
            "credit_code",
            CreditCode::parse(&self.credit_code),
            "credit_code",
        );
        let city = issues.check(
            "division_code",
            city_of_division(&self.division_code).ok_or(()),
            "division_code",
        );
        let location = issues.check(
            "lat",
            Point::new(self.lat, self.lng).ok_or(()),
            "coordinates",
        );
        let contact_phone =
            issues.check("contact_phone", Phone::parse(&self.contact_phone), "phone");
        issues.finish(|| {
            Some(ApplicationCmd {
                name,
                credit_code: credit_code?,
                category: self.category.into(),
                division_code: self.division_code,
                city: city?,
                address,
                location: location?,
                contact_phone: contact_phone?,
            })
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantApplicationDto {
    pub id: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub name: String,
    pub credit_code: String,
    pub category: String,
    pub division_code: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<MerchantApplicationRow> for MerchantApplicationDto {
    fn from(a: MerchantApplicationRow) -> Self {
        MerchantApplicationDto {
            id: a.id,
            status: a.status,
            name: a.name,
            credit_code: a.credit_code,
            category: a.category,
            division_code: a.division_code,
            address: a.address,
            lat: a.lat,
            lng: a.lng,
            reason: a.reason,
            merchant_id: a.merchant_id,
            created_at: a.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantApplicationListDto {
    pub items: Vec<MerchantApplicationDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDto {
    pub id: String,
    pub name: String,
    pub category: String,
    pub division_code: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    /// `active` or `suspended`.
    pub status: String,
    /// Metres from the searched point (near searches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<u64>,
}

impl MerchantDto {
    pub fn new(m: MerchantRow, distance: Option<f64>) -> Self {
        MerchantDto {
            id: m.id,
            name: m.name,
            category: m.category,
            division_code: m.division_code,
            address: m.address,
            lat: m.lat,
            lng: m.lng,
            contact_phone: m.contact_phone,
            status: m.status,
            distance_m: distance.map(|d| d.round() as u64),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantListDto {
    pub items: Vec<MerchantDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDecisionDto {
    pub application: MerchantApplicationDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant: Option<MerchantDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MerchantsQuery {
    /// Division code of a city, e.g. 360100.
    pub city: Option<String>,
    pub category: Option<CategoryDto>,
    /// Part of the name.
    pub q: Option<String>,
    /// With `lng`: nearest first, each with `distance_m`.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Search radius in metres (default 5000, at most 50000).
    pub radius_m: Option<f64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddStaffBody {
    #[schema(example = "13800000001", max_length = 20)]
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffDto {
    pub account_id: String,
    pub display_name: String,
    /// Masked.
    pub phone: String,
    pub owner: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffListDto {
    pub items: Vec<StaffDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyBody {
    #[schema(example = "收银台 1 号", min_length = 1, max_length = 64)]
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreatedDto {
    pub id: String,
    /// Send as `X-Api-Key`. Shown only in this answer; store it in the POS now.
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferKindDto {
    PercentOff,
    AmountOff,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitPeriodDto {
    Day,
    Month,
    Total,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceDto {
    All,
    LaborModel,
    Hardship,
}

/// A new offer. `percent_off`: `percent_off_bp` (1200 = 12 % off), optional `max_discount_fen`
/// and `threshold_fen`. `amount_off` (满减): `off_fen` once the amount reaches `threshold_fen`.
/// The discount is `amount × bp / 10000` rounded half-up to the fen, then capped.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOfferBody {
    #[schema(example = "会员 88 折", min_length = 1, max_length = 64)]
    pub title: String,
    pub kind: OfferKindDto,
    #[schema(example = 1200)]
    pub percent_off_bp: Option<i64>,
    pub threshold_fen: Option<i64>,
    pub off_fen: Option<i64>,
    pub max_discount_fen: Option<i64>,
    /// Uses per member per `limit_period` (both or neither).
    pub per_member_limit: Option<i32>,
    pub limit_period: Option<LimitPeriodDto>,
    /// Redemptions in all, across members.
    pub total_quota: Option<i64>,
    pub audience: AudienceDto,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl CreateOfferBody {
    pub fn into_domain(
        self,
        now: DateTime<Utc>,
    ) -> Result<gangonghui_persistence::offers::OfferRow, ApiError> {
        use gangonghui_domain::Fen;
        use gangonghui_domain::offer::{OfferKind, Terms, TermsError};
        let mut issues = Issues::default();
        let title = self.title.trim().to_owned();
        if title.is_empty() {
            issues.push("title", FieldIssueKind::Required);
        }
        let kind = match self.kind {
            OfferKindDto::PercentOff => match self.percent_off_bp {
                Some(bp) => Some(OfferKind::PercentOff {
                    bp,
                    max_discount: self.max_discount_fen.map(Fen::new),
                }),
                None => {
                    issues.push("percent_off_bp", FieldIssueKind::Required);
                    None
                }
            },
            OfferKindDto::AmountOff => match self.off_fen {
                Some(off) => Some(OfferKind::AmountOff { off: Fen::new(off) }),
                None => {
                    issues.push("off_fen", FieldIssueKind::Required);
                    None
                }
            },
        };
        if let Some(kind) = kind
            && let Err(e) = Terms::new(kind, self.threshold_fen.map(Fen::new))
        {
            let field = match e {
                TermsError::Percent => "percent_off_bp",
                TermsError::Cap => "max_discount_fen",
                TermsError::Off => "off_fen",
                TermsError::Threshold | TermsError::ThresholdBelowOff => "threshold_fen",
            };
            issues.push(
                field,
                FieldIssueKind::Invalid {
                    reason: "offer_terms",
                },
            );
        }
        match (self.per_member_limit, self.limit_period) {
            (Some(n), Some(_)) if n < 1 => issues.push(
                "per_member_limit",
                FieldIssueKind::BelowMinimum { min: "1".into() },
            ),
            (Some(_), None) => issues.push("limit_period", FieldIssueKind::Required),
            (None, Some(_)) => issues.push("per_member_limit", FieldIssueKind::Required),
            _ => {}
        }
        if self.total_quota.is_some_and(|q| q < 1) {
            issues.push(
                "total_quota",
                FieldIssueKind::BelowMinimum { min: "1".into() },
            );
        }
        if self.ends_at <= self.starts_at || self.ends_at <= now {
            issues.push("ends_at", FieldIssueKind::Invalid { reason: "ends_at" });
        }
        let (percent_off_bp, off_fen) = match self.kind {
            OfferKindDto::PercentOff => (self.percent_off_bp, None),
            OfferKindDto::AmountOff => (None, self.off_fen),
        };
        issues.finish(|| {
            Some(gangonghui_persistence::offers::OfferRow {
                id: String::new(),
                merchant_id: String::new(),
                title,
                kind: match self.kind {
                    OfferKindDto::PercentOff => "percent_off".into(),
                    OfferKindDto::AmountOff => "amount_off".into(),
                },
                percent_off_bp,
                threshold_fen: self.threshold_fen,
                off_fen,
                max_discount_fen: if percent_off_bp.is_some() {
                    self.max_discount_fen
                } else {
                    None
                },
                per_member_limit: self.per_member_limit,
                limit_period: self.limit_period.map(|p| match p {
                    LimitPeriodDto::Day => "day".into(),
                    LimitPeriodDto::Month => "month".into(),
                    LimitPeriodDto::Total => "total".into(),
                }),
                total_quota: self.total_quota,
                used_quota: 0,
                audience: match self.audience {
                    AudienceDto::All => "all".into(),
                    AudienceDto::LaborModel => "labor_model".into(),
                    AudienceDto::Hardship => "hardship".into(),
                },
                starts_at: self.starts_at.naive_utc(),
                ends_at: self.ends_at.naive_utc(),
                status: "active".into(),
                created_at: now.naive_utc(),
                updated_at: now.naive_utc(),
            })
        })
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatusDto {
    Active,
    Paused,
}

/// Pause or resume, rename, move the end, or change the quota (not below what is used).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOfferBody {
    pub status: Option<OfferStatusDto>,
    #[schema(min_length = 1, max_length = 64)]
    pub title: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    pub total_quota: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferDto {
    pub id: String,
    pub merchant_id: String,
    pub title: String,
    /// `percent_off` or `amount_off`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_off_bp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_discount_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_member_limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_quota: Option<i64>,
    /// Redemptions left of `total_quota`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_quota: Option<i64>,
    /// `all`, `labor_model` or `hardship`.
    pub audience: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `active` or `paused`.
    pub status: String,
}

impl From<gangonghui_persistence::offers::OfferRow> for OfferDto {
    fn from(o: gangonghui_persistence::offers::OfferRow) -> Self {
        OfferDto {
            remaining_quota: o.total_quota.map(|q| (q - o.used_quota).max(0)),
            id: o.id,
            merchant_id: o.merchant_id,
            title: o.title,
            kind: o.kind,
            percent_off_bp: o.percent_off_bp,
            threshold_fen: o.threshold_fen,
            off_fen: o.off_fen,
            max_discount_fen: o.max_discount_fen,
            per_member_limit: o.per_member_limit,
            limit_period: o.limit_period,
            total_quota: o.total_quota,
            audience: o.audience,
            starts_at: o.starts_at.and_utc(),
            ends_at: o.ends_at.and_utc(),
            status: o.status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferListDto {
    pub items: Vec<OfferDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDetailDto {
    #[serde(flatten)]
    pub merchant: MerchantDto,
    /// Offers usable now.
    pub offers: Vec<OfferDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The 22-digit code or the QR payload.
    #[schema(example = "3601000000000017123456", max_length = 64)]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibleOfferDto {
    pub offer_id: String,
    pub title: String,
    /// Uses left for this member in the offer's period; null when unlimited.
    pub remaining_for_member: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// `active` (other states answer 422 `card.frozen`, `card.lost`, `card.cancelled`).
    pub card_status: String,
    /// Masked: `王**`.
    pub holder_name: String,
    pub eligible_offers: Vec<EligibleOfferDto>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemBody {
    /// The 22-digit code or the QR payload shown by the member.
    #[schema(example = "3601000000000017123456", max_length = 64)]
    pub code: String,
    pub offer_id: String,
    /// The purchase before discount, in fen.
    #[schema(example = 12800, minimum = 1)]
    pub amount_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionDto {
    pub id: String,
    pub merchant_id: String,
    pub offer_id: String,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub created_at: DateTime<Utc>,
}

impl From<gangonghui_persistence::redemptions::RedemptionRow> for RedemptionDto {
    fn from(r: gangonghui_persistence::redemptions::RedemptionRow) -> Self {
        RedemptionDto {
            id: r.id,
            merchant_id: r.merchant_id,
            offer_id: r.offer_id,
            original_fen: r.original_fen,
            discount_fen: r.discount_fen,
            payable_fen: r.payable_fen,
            created_at: r.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReversalDto {
    pub id: String,
    pub redemption_id: String,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
    pub created_at: DateTime<Utc>,
}

impl From<gangonghui_persistence::redemptions::ReversalRow> for ReversalDto {
    fn from(r: gangonghui_persistence::redemptions::ReversalRow) -> Self {
        ReversalDto {
            id: r.id,
            redemption_id: r.redemption_id,
            original_fen: r.original_fen,
            discount_fen: r.discount_fen,
            payable_fen: r.payable_fen,
            created_at: r.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Asia/Shanghai day, `YYYY-MM-DD` (default today).
    pub date: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryDto {
    #[serde(flatten)]
    pub redemption: RedemptionDto,
    pub reversed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerDto {
    pub date: String,
    pub items: Vec<LedgerEntryDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettlementQuery {
    /// `YYYY-MM` (default this month, Asia/Shanghai).
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementDayDto {
    pub date: String,
    /// Redemptions recorded that day.
    pub count: i64,
    /// Reversals made that day (netted into the sums).
    pub reversals: i64,
    pub original_fen: i64,
    pub discount_fen: i64,
    pub payable_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementDto {
    pub month: String,
    pub days: Vec<SettlementDayDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyRedemptionsDto {
    pub items: Vec<RedemptionDto>,
    pub next_cursor: Option<String>,
}

//! Wire types of offers.

use chrono::{DateTime, Utc};
use gangonghui_domain::ids::{MerchantId, OfferId};
use gangonghui_domain::offer::{Audience, LimitPeriod, OfferStatus, OfferType};
use gangonghui_persistence::offers::OfferChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::Issues;
use crate::http::{ApiError, FieldIssueKind, Rule};

/// A new offer. `percent_off`: `percent_off_bp` (1200 = 12 % off), optional `max_discount_fen`
/// and `threshold_fen`. `amount_off` (满减): `off_fen` once the amount reaches `threshold_fen`.
/// The discount is `amount × bp / 10000` rounded half-up to the fen, then capped.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOfferBody {
    #[schema(example = "会员 88 折", min_length = 1, max_length = 64)]
    pub title: String,
    pub kind: OfferType,
    #[schema(example = 1200)]
    pub percent_off_bp: Option<i64>,
    /// The least amount the offer applies to; for `amount_off` required and at least `off_fen`.
    #[schema(maximum = 10_000_000_000_i64)]
    pub threshold_fen: Option<i64>,
    #[schema(maximum = 10_000_000_000_i64)]
    pub off_fen: Option<i64>,
    #[schema(maximum = 10_000_000_000_i64)]
    pub max_discount_fen: Option<i64>,
    /// Uses per member per `limit_period` (both or neither).
    pub per_member_limit: Option<i32>,
    pub limit_period: Option<LimitPeriod>,
    /// Redemptions in all, across members.
    #[schema(maximum = 1_000_000_000_i64)]
    pub total_quota: Option<i64>,
    pub audience: Audience,
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`, and in the future.
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
            OfferType::PercentOff => match self.percent_off_bp {
                Some(bp) => Some(OfferKind::PercentOff {
                    bp,
                    max_discount: self.max_discount_fen.map(Fen::new),
                }),
                None => {
                    issues.push("percent_off_bp", FieldIssueKind::Required);
                    None
                }
            },
            OfferType::AmountOff => match self.off_fen {
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
                    reason: Rule::OfferTerms,
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
            issues.push(
                "ends_at",
                FieldIssueKind::Invalid {
                    reason: Rule::EndsAt,
                },
            );
        }
        let (percent_off_bp, off_fen) = match self.kind {
            OfferType::PercentOff => (self.percent_off_bp, None),
            OfferType::AmountOff => (None, self.off_fen),
        };
        issues.finish(|| {
            Some(gangonghui_persistence::offers::OfferRow {
                id: OfferId::from(String::new()),
                merchant_id: MerchantId::from(String::new()),
                title,
                kind: self.kind,
                percent_off_bp,
                threshold_fen: self.threshold_fen,
                off_fen,
                max_discount_fen: if percent_off_bp.is_some() {
                    self.max_discount_fen
                } else {
                    None
                },
                per_member_limit: self.per_member_limit,
                limit_period: self.limit_period.map(String::from),
                total_quota: self.total_quota,
                used_quota: 0,
                audience: self.audience,
                starts_at: self.starts_at.naive_utc(),
                ends_at: self.ends_at.naive_utc(),
                status: OfferStatus::Active,
                created_at: now.naive_utc(),
                updated_at: now.naive_utc(),
            })
        })
    }
}

/// Pause or resume, rename, move the end, or change the quota (not below what is used).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOfferBody {
    pub status: Option<OfferStatus>,
    #[schema(min_length = 1, max_length = 64)]
    pub title: Option<String>,
    /// In the future, and after the offer's `starts_at`.
    pub ends_at: Option<DateTime<Utc>>,
    /// Not below the redemptions already made.
    #[schema(maximum = 1_000_000_000_i64)]
    pub total_quota: Option<i64>,
}

impl UpdateOfferBody {
    /// The change to store; a blank title is a missing one.
    pub fn into_change(self) -> Result<OfferChange, ApiError> {
        let title = self.title.map(|t| t.trim().to_owned());
        if title.as_deref().is_some_and(str::is_empty) {
            return Err(ApiError::field("title", FieldIssueKind::Required));
        }
        Ok(OfferChange {
            title,
            status: self.status.map(String::from),
            ends_at: self.ends_at.map(|t| t.naive_utc()),
            total_quota: self.total_quota,
            updated_at: None,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferDto {
    #[schema(value_type = String)]
    pub id: OfferId,
    #[schema(value_type = String)]
    pub merchant_id: MerchantId,
    pub title: String,
    /// `percent_off` or `amount_off`.
    pub kind: OfferType,
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
    pub limit_period: Option<LimitPeriod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(maximum = 1_000_000_000_i64)]
    pub total_quota: Option<i64>,
    /// Redemptions left of `total_quota`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_quota: Option<i64>,
    /// `all`, `labor_model` or `hardship`.
    pub audience: Audience,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `active` or `paused`.
    pub status: OfferStatus,
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
            limit_period: o.limit_period.as_deref().and_then(LimitPeriod::parse),
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

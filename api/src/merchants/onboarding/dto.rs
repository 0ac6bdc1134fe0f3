//! Wire types of merchant applications and merchants.

use chrono::{DateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::credit_code::CreditCode;
use gangonghui_domain::division::DivisionCode;
use gangonghui_domain::geo::Point;
use gangonghui_domain::ids::{MerchantApplicationId, MerchantId};
use gangonghui_domain::membership::ApplicationStatus;
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_persistence::merchants::{MerchantApplicationRow, MerchantRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::Issues;
use crate::http::{ApiError, FieldIssueKind, Rule};
use crate::merchants::onboarding::service::ApplicationCmd;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MerchantApplicationBody {
    #[schema(example = "老表家常菜", min_length = 1, max_length = 64)]
    pub name: String,
    /// 18-character unified social credit code (GB 32100-2015, format `cn-credit-code`): the
    /// last character is the GB 32100 check character over the first 17.
    #[schema(
        example = "91350100M000100Y43",
        format = "cn-credit-code",
        min_length = 18,
        max_length = 18,
        pattern = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    )]
    pub credit_code: String,
    pub category: Category,
    /// Division code of the merchant's county or city in Jiangxi (cities 01-11), e.g. 360102.
    #[schema(
        example = "360102",
        min_length = 6,
        max_length = 6,
        pattern = "^36(0[1-9]|1[01])[0-9]{2}$"
    )]
    pub division_code: String,
    #[schema(
        example = "南昌市东湖区八一大道 1 号",
        min_length = 1,
        max_length = 200
    )]
    pub address: String,
    /// Latitude (WGS-84). Its bounds are in the spec (`doc/rules.rs`) and checked with the
    /// other fields, so one answer names every mistake.
    #[schema(example = 28.682)]
    pub lat: f64,
    /// Longitude (WGS-84).
    #[schema(example = 115.858)]
    pub lng: f64,
    #[schema(example = "13800000000", max_length = 14)]
    pub contact_phone: String,
}

impl MerchantApplicationBody {
    pub fn into_domain(self) -> Result<ApplicationCmd, ApiError> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().any(char::is_control) {
            issues.push("name", FieldIssueKind::Invalid { reason: Rule::Name });
        }
        let address = self.address.trim().to_owned();
        if address.is_empty() {
            issues.push("address", FieldIssueKind::Required);
        }
        let credit_code = issues.check(
            "credit_code",
            CreditCode::parse(&self.credit_code),
            Rule::CreditCode,
        );
        let city = issues.check(
            "division_code",
            DivisionCode::parse(&self.division_code)
                .ok()
                .and_then(|d| d.city())
                .ok_or(()),
            Rule::DivisionCode,
        );
        let location = issues.check(
            "lat",
            Point::new(self.lat, self.lng).ok_or(()),
            Rule::Coordinates,
        );
        let contact_phone = issues.check(
            "contact_phone",
            Phone::parse(&self.contact_phone),
            Rule::Phone,
        );
        issues.finish(|| {
            Some(ApplicationCmd {
                name,
                credit_code: credit_code?,
                category: self.category,
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
    #[schema(value_type = String)]
    pub id: MerchantApplicationId,
    /// `pending`, `approved` or `rejected`.
    pub status: ApplicationStatus,
    pub name: String,
    pub credit_code: String,
    pub category: Category,
    pub division_code: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub merchant_id: Option<MerchantId>,
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
    #[schema(value_type = String)]
    pub id: MerchantId,
    pub name: String,
    pub category: Category,
    pub division_code: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    /// `active` or `suspended`.
    pub status: MerchantStatus,
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
pub struct MerchantDecisionDto {
    pub application: MerchantApplicationDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant: Option<MerchantDto>,
}

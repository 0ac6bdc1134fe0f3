//! Wire types of merchant search and the merchant page.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::merchants::offers::dto::*;
use crate::merchants::onboarding::dto::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantListDto {
    pub items: Vec<MerchantDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MerchantsQuery {
    /// Division code of a city, e.g. 360100.
    pub city: Option<String>,
    pub category: Option<gangonghui_domain::merchant::Category>,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDetailDto {
    #[serde(flatten)]
    pub merchant: MerchantDto,
    /// Offers usable now.
    pub offers: Vec<OfferDto>,
}

//! Wire types of merchant search and the merchant page.

use gangonghui_domain::division::{DivisionCode, DivisionLevel};
use gangonghui_domain::geo::Point;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::service::{Page, Search};
use crate::http::pagination::{cursor, page_size};
use crate::http::{ApiError, FieldIssueKind, Issues, Rule};
use crate::merchants::offers::dto::OfferDto;
use crate::merchants::onboarding::dto::MerchantDto;

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantListDto {
    pub items: Vec<MerchantDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MerchantsQuery {
    /// Division code of a city: 360100 Nanchang .. 361100 Shangrao.
    #[param(pattern = "^36(0[1-9]|1[01])00$")]
    pub city: Option<String>,
    pub category: Option<gangonghui_domain::merchant::Category>,
    /// Part of the name.
    pub q: Option<String>,
    /// Latitude (WGS-84), with `lng`: nearest first, each with `distance_m`.
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Longitude (WGS-84), with `lat`.
    #[param(minimum = -180, maximum = 180)]
    pub lng: Option<f64>,
    /// Search radius in metres around `lat`/`lng` (default 5000).
    #[param(minimum = 1, maximum = 50000)]
    pub radius_m: Option<f64>,
    /// Items per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; empty or absent for the first page.
    #[param(pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDetailDto {
    #[serde(flatten)]
    pub merchant: MerchantDto,
    /// Offers usable now.
    pub offers: Vec<OfferDto>,
}

/// Radius of a near search when `radius_m` is not given.
const DEFAULT_RADIUS_M: f64 = 5_000.0;
const MAX_RADIUS_M: f64 = 50_000.0;

impl MerchantsQuery {
    /// The search, the page and its size; every bad parameter in one 422.
    pub fn into_search(self) -> Result<(Search, Page, i64), ApiError> {
        let q = self;
        let limit = page_size(q.limit)?;
        let mut issues = Issues::default();
        let city = match &q.city {
            Some(code) => issues.check(
                "city",
                DivisionCode::parse(code)
                    .ok()
                    .filter(|d| d.level() == DivisionLevel::City)
                    .and_then(|d| d.city())
                    .ok_or(()),
                Rule::City,
            ),
            None => None,
        };
        let near = match (q.lat, q.lng) {
            (Some(lat), Some(lng)) => {
                let radius = q.radius_m.unwrap_or(DEFAULT_RADIUS_M);
                if radius < 1.0 || radius.is_nan() {
                    issues.push("radius_m", FieldIssueKind::BelowMinimum { min: "1".into() });
                } else if radius > MAX_RADIUS_M {
                    let max = MAX_RADIUS_M.to_string();
                    issues.push("radius_m", FieldIssueKind::AboveMaximum { max });
                }
                issues
                    .check("lat", Point::new(lat, lng).ok_or(()), Rule::Coordinates)
                    .map(|p| (p, radius))
            }
            (None, None) => None,
            _ => {
                issues.push(
                    if q.lat.is_none() { "lat" } else { "lng" },
                    FieldIssueKind::Required,
                );
                None
            }
        };
        let page = match cursor(q.cursor.as_deref())? {
            None if near.is_some() => Page::Offset(0),
            None => Page::After(None),
            Some(c) => match c.split_once(':') {
                Some(("o", n)) => Page::Offset(n.parse().unwrap_or(0)),
                Some(("a", id)) => Page::After(Some(id.into())),
                // As on every list, a cursor we did not issue moves the page, never fails it.
                _ if near.is_some() => Page::Offset(0),
                _ => Page::After(Some(c.into())),
            },
        };
        issues.finish(|| Some(()))?;
        let search = Search {
            city,
            category: q.category,
            name: q.q.filter(|s| !s.trim().is_empty()),
            near,
        };
        Ok((search, page, limit))
    }
}

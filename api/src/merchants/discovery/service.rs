//! Finding merchants: by city, category and name, or nearest first around a point. Near searches
//! narrow by the indexed lat/lng box of the radius, then order by exact (haversine) distance.

use gangonghui_domain::geo::{Point, bounding_box, distance_m};
use gangonghui_domain::ids::MerchantId;
use gangonghui_domain::merchant::{Category, MerchantStatus};
use gangonghui_persistence::merchants::{self, MerchantFilter, MerchantRow};
use gangonghui_persistence::offers::{self, OfferRow};

use crate::http::ApiError;
use crate::merchants::MerchantError;
use crate::state::AppState;

/// The most merchants one near search considers (a 50 km radius in the densest city stays far
/// below it at 2,100 merchants province-wide).
const NEAR_SCAN_LIMIT: i64 = 5_000;

pub struct Search {
    pub city: Option<u8>,
    pub category: Option<Category>,
    pub name: Option<String>,
    pub near: Option<(Point, f64)>,
}

pub enum Page {
    /// By id, after this id.
    After(Option<MerchantId>),
    /// Near searches page by position in the distance order.
    Offset(usize),
}

/// Matching merchants with their distance when searching near a point, and the next page.
pub async fn search(
    state: &AppState,
    search: Search,
    page: Page,
    limit: i64,
) -> Result<(Vec<(MerchantRow, Option<f64>)>, Option<Page>), ApiError> {
    let mut filter = MerchantFilter {
        city: search.city.map(i32::from),
        category: search.category,
        name: search.name,
        within: None,
        after: None,
    };
    match (search.near, page) {
        (Some((center, radius)), Page::Offset(offset)) => {
            let b = bounding_box(center, radius);
            filter.within = Some((b.min_lat, b.max_lat, b.min_lng, b.max_lng));
            let rows = state
                .db(move |conn| Ok(merchants::search(conn, &filter, NEAR_SCAN_LIMIT)?))
                .await?;
            let mut near: Vec<(MerchantRow, f64)> = rows
                .into_iter()
                .map(|m| {
                    let d = distance_m(
                        center,
                        Point {
                            lat: m.lat,
                            lng: m.lng,
                        },
                    );
                    (m, d)
                })
                .filter(|(_, d)| *d <= radius)
                .collect();
            near.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)));
            let end = (offset + limit as usize).min(near.len());
            let next = (end < near.len()).then_some(Page::Offset(end));
            let items = near
                .into_iter()
                .skip(offset)
                .take(limit as usize)
                .map(|(m, d)| (m, Some(d)))
                .collect();
            Ok((items, next))
        }
        (_, page) => {
            filter.after = match page {
                Page::After(after) => after,
                Page::Offset(_) => None,
            };
            let mut rows = state
                .db(move |conn| Ok(merchants::search(conn, &filter, limit + 1)?))
                .await?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let next = more.then(|| Page::After(rows.last().map(|m| m.id.clone())));
            Ok((rows.into_iter().map(|m| (m, None)).collect(), next))
        }
    }
}

/// An active merchant with its live offers (404 for suspended or unknown merchants).
pub async fn merchant_with_offers(
    state: &AppState,
    merchant_id: MerchantId,
) -> Result<(MerchantRow, Vec<OfferRow>), ApiError> {
    let now = state.clock.now();
    state
        .db(move |conn| {
            let merchant = merchants::find(conn, &merchant_id)?
                .filter(|m| m.status == MerchantStatus::Active)
                .ok_or(MerchantError::NotFound)?;
            let live = offers::live_for_merchant(conn, &merchant.id, now.naive_utc())?;
            Ok((merchant, live))
        })
        .await
}

//! What every phase shares: the 11 cities with their weights and centres, grassroots unions in
//! each, the time frame, the one password hash of generated accounts, and id making.

use chrono::{DateTime, Duration, Utc};
use gangonghui_api::{ApiError, AppState};
use gangonghui_domain::ids::OrgId;
use gangonghui_persistence::ids;
use gangonghui_persistence::orgs;
use gangonghui_persistence::write_tx;
use rand::{Rng, RngCore};
use rand_chacha::ChaCha8Rng;

/// City number (01..11 of division code 36NN00), population in 10,000s (2020 census, rounded)
/// and a rough centre.
pub const CITIES: [(u8, u32, (f64, f64)); 11] = [
    (1, 626, (28.68, 115.86)),  // 南昌
    (2, 162, (29.27, 117.18)),  // 景德镇
    (3, 180, (27.62, 113.85)),  // 萍乡
    (4, 460, (29.71, 116.00)),  // 九江
    (5, 120, (27.82, 114.92)),  // 新余
    (6, 115, (28.26, 117.07)),  // 鹰潭
    (7, 897, (25.83, 114.93)),  // 赣州
    (8, 446, (27.11, 114.99)),  // 吉安
    (9, 500, (27.80, 114.42)),  // 宜春
    (10, 361, (27.95, 116.36)), // 抚州
    (11, 649, (28.45, 117.94)), // 上饶
];

/// Grassroots unions generated under each city.
const UNIONS_PER_CITY: usize = 4;

/// How far back the redemptions go.
pub const MONTHS: i64 = 24;

#[derive(Debug, Clone)]
pub struct Union {
    pub id: OrgId,
    pub path: String,
}

pub struct World {
    pub now: DateTime<Utc>,
    /// Unions of city index 0..11.
    pub unions: Vec<Vec<Union>>,
    /// The city paths (merchants hang off their city).
    pub city_paths: Vec<(OrgId, String)>,
    pub password_hash: String,
    total_weight: u32,
}

impl World {
    pub async fn prepare(state: &AppState, rng: &mut ChaCha8Rng) -> anyhow::Result<World> {
        let now = state.clock.now();
        let password_hash =
            gangonghui_api::auth::password::hash(super::BULK_PASSWORD.to_owned()).await?;
        let mut unions = Vec::new();
        let mut city_paths = Vec::new();
        for (city, ..) in CITIES {
            let code = format!("36{city:02}00");
            let ids: Vec<OrgId> = (0..UNIONS_PER_CITY).map(|_| new_id(rng, now)).collect();
            let (city_org, made) = state
                .db(move |conn| {
                    write_tx(conn, |c| {
                        let city = orgs::find_by_division(c, &code)?.ok_or_else(|| {
                            ApiError::internal(anyhow::anyhow!("city {code} missing"))
                        })?;
                        let mut made = Vec::new();
                        for (k, id) in ids.iter().enumerate() {
                            let name = format!("基准测试工会{code}-{k}");
                            let (id, path) =
                                crate::grassroots_union(c, &city, &name, id, now.naive_utc())?;
                            made.push(Union { id, path });
                        }
                        Ok::<_, ApiError>(((city.id, city.path), made))
                    })
                })
                .await?;
            city_paths.push(city_org);
            unions.push(made);
        }
        Ok(World {
            now,
            unions,
            city_paths,
            password_hash,
            total_weight: CITIES.iter().map(|c| c.1).sum(),
        })
    }

    /// A city index (0..11) drawn by population.
    pub fn city(&self, rng: &mut ChaCha8Rng) -> usize {
        let mut pick = rng.random_range(0..self.total_weight);
        for (i, (_, weight, _)) in CITIES.iter().enumerate() {
            if pick < *weight {
                return i;
            }
            pick -= weight;
        }
        0
    }

    /// The start of the redemption history.
    pub fn history_start(&self) -> DateTime<Utc> {
        self.now - Duration::days(MONTHS * 365 / 12)
    }
}

/// A time-ordered id made at `at` from the generator's randomness.
pub fn new_id<T: From<String>>(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> T {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    ids::id_at(u64::try_from(at.timestamp_millis()).unwrap_or(0), random)
}

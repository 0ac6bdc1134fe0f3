//! Distances for "nearest merchants": haversine on a sphere, and the lat/lng box that a radius
//! fits in (so an index on latitude and longitude can narrow the search before exact distances).

/// Mean Earth radius in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lng: f64,
    pub max_lng: f64,
}

impl Point {
    pub fn new(lat: f64, lng: f64) -> Option<Point> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
            .then_some(Point { lat, lng })
    }
}

/// Great-circle distance in metres.
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A box containing every point within `radius_m` of `center`. Longitude degrees shrink with
/// latitude; near the poles the box spans all longitudes. (Jiangxi lies far from the date line,
/// so boxes never wrap it.)
pub fn bounding_box(center: Point, radius_m: f64) -> BoundingBox {
    let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
    let cos_lat = center.lat.to_radians().cos();
    let dlng = if cos_lat < 1e-6 {
        180.0
    } else {
        (dlat / cos_lat).min(180.0)
    };
    BoundingBox {
        min_lat: (center.lat - dlat).max(-90.0),
        max_lat: (center.lat + dlat).min(90.0),
        min_lng: (center.lng - dlng).max(-180.0),
        max_lng: (center.lng + dlng).min(180.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lng: f64) -> Point {
        Point::new(lat, lng).unwrap()
    }

    #[test]
    fn known_distances() {
        // Nanchang (28.682, 115.858) to Ganzhou (25.831, 114.933): about 328 km.
        let d = distance_m(p(28.682, 115.858), p(25.831, 114.933));
        assert!((325_000.0..331_000.0).contains(&d), "{d}");
        assert_eq!(distance_m(p(28.0, 115.0), p(28.0, 115.0)), 0.0);
        // One degree of latitude is about 111.2 km anywhere.
        let d = distance_m(p(27.0, 116.0), p(28.0, 116.0));
        assert!((111_000.0..111_400.0).contains(&d), "{d}");
    }

    #[test]
    fn every_point_within_the_radius_is_inside_the_box() {
        let center = p(27.6, 115.7);
        let radius = 5_000.0;
        let bbox = bounding_box(center, radius);
        for i in 0..360 {
            let bearing = f64::from(i).to_radians();
            // Walk almost `radius` in each direction on the sphere.
            let ang = 0.999 * radius / EARTH_RADIUS_M;
            let lat1 = center.lat.to_radians();
            let lat2 = (lat1.sin() * ang.cos() + lat1.cos() * ang.sin() * bearing.cos()).asin();
            let lng2 = center.lng.to_radians()
                + (bearing.sin() * ang.sin() * lat1.cos())
                    .atan2(ang.cos() - lat1.sin() * lat2.sin());
            let q = p(lat2.to_degrees(), lng2.to_degrees());
            assert!(distance_m(center, q) <= radius);
            assert!(
                q.lat >= bbox.min_lat
                    && q.lat <= bbox.max_lat
                    && q.lng >= bbox.min_lng
                    && q.lng <= bbox.max_lng,
                "{i}: {q:?} {bbox:?}"
            );
        }
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(0.0, -181.0).is_none());
    }
}

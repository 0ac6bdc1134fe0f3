//! 行政区划代码: the six-digit division codes of Jiangxi. `360000` is the province, `36XX00`
//! its 11 cities (XX = 01..=11, from 南昌 360100 to 上饶 361100), and `36XXYY` (YY > 00) the
//! counties and districts of city XX. Every rule about "which city is this" reads it here.

use std::fmt;

/// The province's own code.
pub const PROVINCE: &str = "360000";
/// Jiangxi's prefecture-level cities are numbered 01..=11.
const CITIES: std::ops::RangeInclusive<u8> = 1..=11;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a Jiangxi division code: 360000, a city 36XX00 (XX 01-11) or one of its counties")]
pub struct DivisionCodeError;

/// What a division code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DivisionLevel {
    Province,
    City,
    County,
}

/// A valid Jiangxi division code.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DivisionCode {
    code: String,
    city: u8,
    county: u8,
}

impl DivisionCode {
    pub fn parse(raw: &str) -> Result<DivisionCode, DivisionCodeError> {
        let &[b'3', b'6', c1, c2, k1, k2] = raw.as_bytes() else {
            return Err(DivisionCodeError);
        };
        if ![c1, c2, k1, k2].iter().all(u8::is_ascii_digit) {
            return Err(DivisionCodeError);
        }
        let two = |tens: u8, ones: u8| (tens - b'0') * 10 + (ones - b'0');
        let (city, county) = (two(c1, c2), two(k1, k2));
        let valid = if city == 0 {
            county == 0
        } else {
            CITIES.contains(&city)
        };
        if !valid {
            return Err(DivisionCodeError);
        }
        Ok(DivisionCode {
            code: raw.to_owned(),
            city,
            county,
        })
    }

    /// The code of city `city` (01..=11), if there is such a city.
    pub fn of_city(city: u8) -> Option<DivisionCode> {
        CITIES.contains(&city).then(|| DivisionCode {
            code: format!("36{city:02}00"),
            city,
            county: 0,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn level(&self) -> DivisionLevel {
        match (self.city, self.county) {
            (0, _) => DivisionLevel::Province,
            (_, 0) => DivisionLevel::City,
            _ => DivisionLevel::County,
        }
    }

    /// The city (01..=11) a city or county code lies in; `None` for the province.
    pub fn city(&self) -> Option<u8> {
        (self.city != 0).then_some(self.city)
    }

    /// The code of the city this code lies in (itself for a city).
    pub fn city_code(&self) -> Option<DivisionCode> {
        self.city().and_then(DivisionCode::of_city)
    }

    /// Whether a unit of `level` may carry this code under a parent coded `parent`: a city's
    /// code names a city, a county's a county of its parent city, and a grassroots union's a
    /// place inside its parent. A city admin cannot file a county under another city's code.
    pub fn fits_under(&self, level: crate::org::OrgLevel, parent: &DivisionCode) -> bool {
        use crate::org::OrgLevel as L;
        let inside = match parent.level() {
            DivisionLevel::Province => true,
            DivisionLevel::City => self.city == parent.city,
            DivisionLevel::County => self == parent,
        };
        let shape = match level {
            L::Province => false,
            L::City => self.level() == DivisionLevel::City,
            L::County => self.level() == DivisionLevel::County,
            L::Grassroots => true,
        };
        inside && shape
    }

    /// Whether this is the code of a county of `city`.
    pub fn is_county_code_of(&self, city: &DivisionCode) -> bool {
        self.level() == DivisionLevel::County
            && city.level() == DivisionLevel::City
            && self.city == city.city
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.code)
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_fits_only_its_level_inside_its_parent() {
        use crate::org::OrgLevel as L;
        let (province, nanchang, jiujiang) = (code("360000"), code("360100"), code("360400"));
        assert!(code("360102").fits_under(L::County, &nanchang));
        assert!(
            !code("360402").fits_under(L::County, &nanchang),
            "another city's county"
        );
        assert!(
            !code("360100").fits_under(L::County, &nanchang),
            "a city is not a county"
        );
        assert!(code("360400").fits_under(L::City, &province));
        assert!(
            !code("360402").fits_under(L::City, &province),
            "a county is not a city"
        );
        assert!(code("360402").fits_under(L::Grassroots, &jiujiang));
        assert!(!code("360102").fits_under(L::Grassroots, &jiujiang));
        assert!(code("360102").fits_under(L::Grassroots, &code("360102")));
        assert!(!code("360103").fits_under(L::Grassroots, &code("360102")));
    }

    fn code(raw: &str) -> DivisionCode {
        DivisionCode::parse(raw).unwrap()
    }

    #[test]
    fn levels_and_cities() {
        let cases = [
            ("360000", DivisionLevel::Province, None),
            ("360100", DivisionLevel::City, Some(1)),
            ("361100", DivisionLevel::City, Some(11)),
            ("360102", DivisionLevel::County, Some(1)),
            ("360781", DivisionLevel::County, Some(7)),
        ];
        for (raw, level, city) in cases {
            let c = code(raw);
            assert_eq!((c.level(), c.city()), (level, city), "{raw}");
            assert_eq!(c.as_str(), raw);
        }
        assert_eq!(code("360102").city_code(), Some(code("360100")));
        assert_eq!(code("360000").city_code(), None);
    }

    #[test]
    fn malformed_and_foreign_codes_are_refused() {
        for raw in [
            "",
            "36010",
            "3601000",
            "36010a",
            "350100",
            "361200",
            "369900",
            "360001",
            "+36010",
            "３６０１００",
        ] {
            assert_eq!(DivisionCode::parse(raw), Err(DivisionCodeError), "{raw:?}");
        }
    }

    #[test]
    fn county_codes_belong_to_their_city_only() {
        assert!(code("360102").is_county_code_of(&code("360100")));
        assert!(!code("360102").is_county_code_of(&code("360200")));
        assert!(!code("360100").is_county_code_of(&code("360100")));
        assert!(!code("360102").is_county_code_of(&code("360000")));
    }

    #[test]
    fn cities_by_number() {
        assert_eq!(DivisionCode::of_city(1), Some(code("360100")));
        assert_eq!(DivisionCode::of_city(11), Some(code("361100")));
        assert_eq!(DivisionCode::of_city(0), None);
        assert_eq!(DivisionCode::of_city(12), None);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::org::OrgLevel;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_what_parses_has_the_shape(
            raw in prop_oneof![any::<String>(), "3[0-9]{3,6}", "36[0-9]{4}"]
        ) {
            if let Ok(code) = DivisionCode::parse(&raw) {
                let s = code.as_str();
                prop_assert_eq!(s, raw.as_str());
                prop_assert!(s.len() == 6 && s.starts_with("36") && s.bytes().all(|b| b.is_ascii_digit()));
                match code.level() {
                    DivisionLevel::Province => prop_assert_eq!(s, PROVINCE),
                    DivisionLevel::City => prop_assert_eq!(code.city_code(), Some(code.clone())),
                    DivisionLevel::County => prop_assert!(!s.ends_with("00")),
                }
                if let Some(city) = code.city_code() {
                    prop_assert_eq!(city.as_str(), format!("{}00", &s[..4]));
                    prop_assert!(code.city().is_some_and(|c| CITIES.contains(&c)));
                }
            }
        }

        #[test]
        fn cities_by_number_round_trip(city in any::<u8>()) {
            let code = DivisionCode::of_city(city);
            prop_assert_eq!(code.is_some(), CITIES.contains(&city));
            if let Some(code) = code {
                prop_assert_eq!(DivisionCode::parse(code.as_str()), Ok(code.clone()));
                prop_assert_eq!(code.city(), Some(city));
            }
        }

        /// Every county of every city: the three county checks agree, and no other city takes it.
        #[test]
        fn a_county_belongs_to_its_city_only(city in 1u8..=11, county in 1u8..=99, other in 1u8..=11) {
            let code = DivisionCode::parse(&format!("36{city:02}{county:02}")).unwrap();
            let (own, foreign) = (DivisionCode::of_city(city).unwrap(), DivisionCode::of_city(other).unwrap());
            prop_assert!(code.is_county_code_of(&own) && code.fits_under(OrgLevel::County, &own));
            prop_assert!(crate::org::is_county_code_of(code.as_str(), own.as_str()));
            prop_assert_eq!(code.fits_under(OrgLevel::Grassroots, &foreign), city == other);
            prop_assert_eq!(crate::org::is_county_code_of(code.as_str(), foreign.as_str()), city == other);
        }

        #[test]
        fn the_org_county_check_never_panics(code in any::<String>(), city in any::<String>()) {
            let _ = crate::org::is_county_code_of(&code, &city);
        }
    }
}

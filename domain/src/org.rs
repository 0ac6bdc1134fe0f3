//! The union organisation tree: province -> city -> county -> grassroots union (基层工会).

crate::text_enum! {
    /// The level of a union org unit in the tree province -> city -> county -> grassroots.
    pub enum OrgLevel {
        Province = "province",
        City = "city",
        County = "county",
        Grassroots = "grassroots",
    }
}

impl OrgLevel {
    /// Whether a unit of `child` level may sit directly under this one. Grassroots unions may
    /// hang under a county or straight under a city (city-level enterprises).
    pub fn may_contain(self, child: OrgLevel) -> bool {
        matches!(
            (self, child),
            (OrgLevel::Province, OrgLevel::City)
                | (OrgLevel::City, OrgLevel::County | OrgLevel::Grassroots)
                | (OrgLevel::County, OrgLevel::Grassroots)
        )
    }
}

/// Whether the unit with materialised path `path` lies in the subtree rooted at `root_path`
/// (itself included). Paths are `/id/id/.../`, so a prefix test is exact.
pub fn in_subtree(path: &str, root_path: &str) -> bool {
    path.starts_with(root_path)
}

/// A county division code: 36XXYY with YY != 00, inside its city 36XX00.
pub fn is_county_code_of(code: &str, city_code: &str) -> bool {
    let Some((city, county)) = code.as_bytes().split_at_checked(4) else {
        return false;
    };
    code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && city_code.as_bytes().get(..4) == Some(city)
        && county != b"00"
}

/// The materialised path of a new unit `id` under the unit at `parent_path`: the parent's path,
/// the id, a slash. A subtree is then every path with its root's path as prefix.
pub fn child_path(parent_path: &str, id: &str) -> String {
    format!("{parent_path}{id}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_nest_in_order() {
        use OrgLevel::*;
        assert!(Province.may_contain(City));
        assert!(City.may_contain(County) && City.may_contain(Grassroots));
        assert!(County.may_contain(Grassroots));
        for (parent, child) in [
            (Province, County),
            (Province, Grassroots),
            (County, County),
            (Grassroots, Grassroots),
            (City, City),
        ] {
            assert!(!parent.may_contain(child), "{parent:?} > {child:?}");
        }
    }

    #[test]
    fn subtrees_are_path_prefixes() {
        assert!(in_subtree("/a/b/c/", "/a/b/"));
        assert!(in_subtree("/a/b/", "/a/b/"));
        assert!(
            !in_subtree("/a/bb/", "/a/b/"),
            "the trailing slash keeps siblings apart"
        );
        assert!(!in_subtree("/a/", "/a/b/"));
    }

    #[test]
    fn county_codes_belong_to_their_city() {
        assert!(is_county_code_of("360102", "360100"));
        assert!(!is_county_code_of("360100", "360100"));
        assert!(!is_county_code_of("360702", "360100"));
        assert!(!is_county_code_of("36010x", "360100"));
    }
}

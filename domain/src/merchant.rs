//! Partner merchants (合作商户): their categories and lifecycle.

crate::text_enum! {
    /// What a partner merchant sells.
    pub enum Category {
        Dining = "dining",
        Retail = "retail",
        Health = "health",
        Travel = "travel",
        Education = "education",
        Services = "services",
        Other = "other",
    }
}

impl Category {}

crate::text_enum! {
    /// A merchant's state: a `suspended` merchant's staff and POS keys can do nothing.
    pub enum MerchantStatus {
        Active = "active",
        Suspended = "suspended",
    }
}

#[cfg(test)]
mod tests {
    use super::Category;

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Category::parse("casino"), None);
    }
}

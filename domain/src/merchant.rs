//! Partner merchants (合作商户): their categories and lifecycle.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Dining,
    Retail,
    Health,
    Travel,
    Education,
    Services,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Dining,
        Category::Retail,
        Category::Health,
        Category::Travel,
        Category::Education,
        Category::Services,
        Category::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Dining => "dining",
            Category::Retail => "retail",
            Category::Health => "health",
            Category::Travel => "travel",
            Category::Education => "education",
            Category::Services => "services",
            Category::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MerchantStatus {
    Active,
    Suspended,
}

#[cfg(test)]
mod tests {
    use super::Category;

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("casino"), None);
    }
}

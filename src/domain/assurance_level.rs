//! The eIDAS assurance level of a login (NSIS in Denmark): citizens need Substantial to see a
//! young person's papers. Ordered, so `level >= Substantial` reads as the rule does.

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AssuranceLevel {
    Low,
    Substantial,
    High,
}

words!(AssuranceLevel, "assurance level", {
    Low => "low",
    Substantial => "substantial",
    High => "high",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_and_they_are_ordered() {
        for level in AssuranceLevel::ALL {
            assert_eq!(level.as_str().parse::<AssuranceLevel>(), Ok(*level));
        }
        assert!(AssuranceLevel::Low < AssuranceLevel::Substantial);
        assert!(AssuranceLevel::Substantial < AssuranceLevel::High);
        assert!("Substantial".parse::<AssuranceLevel>().is_err());
    }
}

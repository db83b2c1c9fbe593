//! Whose consent is needed from custody holders while the young person is under 18
//! (configuration `consent.custody_rule`).

use super::unknown_value::words;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustodyRule {
    /// Every custody holder on the case (the model asks consent "from the parents").
    #[default]
    All,
    /// Any one custody holder.
    Any,
}

words!(CustodyRule, "custody rule", {
    All => "all",
    Any => "any",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_rules_round_trip_and_all_is_the_default() {
        for rule in CustodyRule::ALL {
            assert_eq!(rule.as_str().parse::<CustodyRule>(), Ok(*rule));
        }
        assert_eq!(CustodyRule::default(), CustodyRule::All);
    }
}

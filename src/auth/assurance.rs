//! NSIS assurance levels as brokers spell them, normalised to Low / Substantial / High.
//! The built-in spellings cover NemLog-in, Signaturgruppen and Idura; a provider's configuration
//! may add more (`assurance_values`).

use crate::domain::assurance_level::AssuranceLevel;
use std::collections::BTreeMap;

const BUILT_IN: [(&str, AssuranceLevel); 12] = [
    (
        "https://data.gov.dk/concept/core/nsis/loa/Low",
        AssuranceLevel::Low,
    ),
    (
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        AssuranceLevel::Substantial,
    ),
    (
        "https://data.gov.dk/concept/core/nsis/loa/High",
        AssuranceLevel::High,
    ),
    (
        "https://data.gov.dk/concept/core/nsis/Low",
        AssuranceLevel::Low,
    ),
    (
        "https://data.gov.dk/concept/core/nsis/Substantial",
        AssuranceLevel::Substantial,
    ),
    (
        "https://data.gov.dk/concept/core/nsis/High",
        AssuranceLevel::High,
    ),
    ("urn:grn:authn:dk:mitid:low", AssuranceLevel::Low),
    (
        "urn:grn:authn:dk:mitid:substantial",
        AssuranceLevel::Substantial,
    ),
    ("urn:grn:authn:dk:mitid:high", AssuranceLevel::High),
    ("LOW", AssuranceLevel::Low),
    ("SUBSTANTIAL", AssuranceLevel::Substantial),
    ("HIGH", AssuranceLevel::High),
];

/// The level a claim value means, or None for a value nobody configured (refused as too low).
pub fn normalise(
    value: &str,
    configured: &BTreeMap<String, AssuranceLevel>,
) -> Option<AssuranceLevel> {
    configured.get(value).copied().or_else(|| {
        BUILT_IN
            .iter()
            .find(|(spelling, _)| *spelling == value)
            .map(|(_, level)| *level)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn understands_every_broker_spelling_named_in_the_design() {
        let none = BTreeMap::new();
        for value in [
            "https://data.gov.dk/concept/core/nsis/loa/Substantial",
            "https://data.gov.dk/concept/core/nsis/Substantial",
            "urn:grn:authn:dk:mitid:substantial",
            "SUBSTANTIAL",
        ] {
            assert_eq!(
                normalise(value, &none),
                Some(AssuranceLevel::Substantial),
                "{value}"
            );
        }
        assert_eq!(
            normalise("urn:grn:authn:dk:mitid:high", &none),
            Some(AssuranceLevel::High)
        );
        assert_eq!(normalise("substantial-ish", &none), None);
        assert_eq!(
            normalise("substantial", &none),
            None,
            "case matters: an unknown spelling is refused"
        );
    }

    #[test]
    fn configuration_adds_spellings() {
        let configured = BTreeMap::from([("loa3".to_owned(), AssuranceLevel::Substantial)]);
        assert_eq!(
            normalise("loa3", &configured),
            Some(AssuranceLevel::Substantial)
        );
        assert!(
            AssuranceLevel::Low < AssuranceLevel::Substantial
                && AssuranceLevel::Substantial < AssuranceLevel::High
        );
    }
}

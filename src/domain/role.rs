//! A participant's role in a case (GLOSSARY.md): a professional, the young person, a parent, or
//! a trusted adult.

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Professional,
    YoungPerson,
    Parent,
    TrustedAdult,
}

words!(Role, "role", {
    Professional => "professional",
    YoungPerson => "young_person",
    Parent => "parent",
    TrustedAdult => "trusted_adult",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_word_and_serde() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
            let json = serde_json::to_string(role).expect("serialises");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert!("Parent".parse::<Role>().is_err());
    }
}

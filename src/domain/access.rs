//! What a participant may do with the case's documents: read them, or read and write them.

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

words!(Access, "access", {
    Read => "read",
    Write => "write",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_accesses_round_trip() {
        for access in Access::ALL {
            assert_eq!(access.as_str().parse::<Access>(), Ok(*access));
            let json = serde_json::to_string(access).expect("serialises");
            assert_eq!(json, format!("\"{}\"", access.as_str()));
        }
        assert!("admin".parse::<Access>().is_err());
    }
}

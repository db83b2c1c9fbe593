//! Where a case is in its life: active, closed (read-only), or erased (its key destroyed).

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Active,
    Closed,
    Erased,
}

words!(CaseStatus, "case status", {
    Active => "active",
    Closed => "closed",
    Erased => "erased",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for status in CaseStatus::ALL {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(*status));
            let json = serde_json::to_string(status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert!("open".parse::<CaseStatus>().is_err());
    }
}

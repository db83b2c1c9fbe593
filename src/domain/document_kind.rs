//! The kinds of papers the collaboration model knows (DESIGN.md §2).

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Mål- og aftaleskema.
    GoalAgreement,
    NetworkMap,
    NetworkOverview,
    InterventionOverview,
    /// A signed consent declaration on paper, scanned.
    ConsentDeclaration,
    MeetingChecklist,
    Other,
}

words!(DocumentKind, "document kind", {
    GoalAgreement => "goal_agreement",
    NetworkMap => "network_map",
    NetworkOverview => "network_overview",
    InterventionOverview => "intervention_overview",
    ConsentDeclaration => "consent_declaration",
    MeetingChecklist => "meeting_checklist",
    Other => "other",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_word_and_serde() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.as_str().parse::<DocumentKind>(), Ok(*kind));
            let json = serde_json::to_string(kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert!("diary".parse::<DocumentKind>().is_err());
    }
}

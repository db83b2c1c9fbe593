//! Whether the case's papers may be shared now, and what still blocks it.

use super::{CaseFacts, Consent, ConsentGiver, age};
use crate::domain::custody_rule::CustodyRule;
use crate::domain::ids::ParticipantId;
use crate::domain::role::Role;
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Missing {
    /// The young person has not consented (or withdrew, or it expired).
    ConsentYoungPerson,
    /// A custody holder's consent is missing (with `Any`, the one line stands for all of them).
    ConsentCustodyHolder {
        #[schema(value_type = Option<String>, format = Uuid)]
        participant_id: Option<ParticipantId>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sharing {
    pub permitted: bool,
    pub missing: Vec<Missing>,
}

/// A consent counts from when it was given until withdrawn, and through its last day
/// (Copenhagen).
pub fn is_active(consent: &Consent, now: OffsetDateTime) -> bool {
    consent.valid_from <= now
        && consent.withdrawn_at.is_none_or(|at| at > now)
        && consent
            .valid_until
            .is_none_or(|last| crate::clock::copenhagen_date(now) <= last)
}

/// A consent counts for sharing while it is active and its giver is on the case: the young
/// person's while a young person is a participant, a custody holder's while that participant is.
/// Removing the giver stops sharing by their consent; re-adding the young person brings theirs
/// back (the case has one young person), a re-added parent is a new participant and consents
/// again (or the coordinator records their paper consent).
pub fn counts(case: &CaseFacts, consent: &Consent, now: OffsetDateTime) -> bool {
    let on_case = case.participants.iter().any(|p| match consent.giver {
        ConsentGiver::YoungPerson => p.role == Role::YoungPerson,
        ConsentGiver::CustodyHolder(id) => p.id == id,
    });
    on_case && is_active(consent, now)
}

pub fn sharing(case: &CaseFacts, rule: CustodyRule, now: OffsetDateTime) -> Sharing {
    let active = |giver: ConsentGiver| {
        case.consents
            .iter()
            .any(|c| c.giver == giver && counts(case, c, now))
    };
    let mut missing = Vec::new();
    if !active(ConsentGiver::YoungPerson) {
        missing.push(Missing::ConsentYoungPerson);
    }
    let minor = age::is_minor(
        case.young_person_birth_date,
        crate::clock::copenhagen_date(now),
    );
    if minor {
        let holders: Vec<ParticipantId> = case
            .participants
            .iter()
            .filter(|p| p.role == Role::Parent && p.has_custody)
            .map(|p| p.id)
            .collect();
        let without: Vec<ParticipantId> = holders
            .iter()
            .copied()
            .filter(|id| !active(ConsentGiver::CustodyHolder(*id)))
            .collect();
        match rule {
            CustodyRule::All => {
                missing.extend(without.into_iter().map(|id| Missing::ConsentCustodyHolder {
                    participant_id: Some(id),
                }))
            }
            CustodyRule::Any if !holders.is_empty() && without.len() == holders.len() => {
                missing.push(Missing::ConsentCustodyHolder {
                    participant_id: None,
                });
            }
            CustodyRule::Any => {}
        }
    }
    Sharing {
        permitted: missing.is_empty(),
        missing,
    }
}

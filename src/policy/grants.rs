//! Separation of duties (DESIGN.md §3 rule 6): every route that changes who may read a case asks
//! `decide_grant`, which first asks `decide` whether the actor may take the action at all, then
//! refuses any grant that would widen the actor's own access:
//!
//! 1. A hand-over names another staff member, never the actor (an admin's too) (SelfHandOver).
//! 2. Nobody adds their own account as a participant (SelfParticipant), nor a citizen identity
//!    they control: their own CPR number (OwnIdentity).
//! 3. Nobody changes their own access to a case, up or down (OwnAccess).
//! 4. A young adult's grant of parent access never names their own participation (SelfGrant).
//! 5. A paper consent is never recorded for the actor's own account or CPR number (OwnIdentity).
//! 6. Nobody creates a case about their own CPR number (they would coordinate it) (OwnIdentity).
//!
//! Staff flags and departments are the other half, in `staff` (OwnAccount). The services gather
//! the facts (whose account, whether a CPR number is the actor's own); the rules are here.

use super::{Action, Actor, CaseFacts, Decision, Reason, decide};
use crate::domain::custody_rule::CustodyRule;
use crate::domain::ids::{AccountId, ParticipantId};
use time::OffsetDateTime;

/// Who a grant would give access to, as far as the rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grantee {
    /// The grantee's account, if they have one yet (a citizen invited by CPR may not).
    pub account: Option<AccountId>,
    /// Whether the grantee's CPR number is the actor's own.
    pub actors_own_cpr: bool,
}

impl Grantee {
    fn is(&self, actor: &Actor) -> bool {
        self.account == Some(actor.account)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Create a case (the actor becomes its coordinator) for a young person.
    CreateCase { young_person: Grantee },
    /// Make `to` the case's coordinator.
    HandOver { to: Grantee },
    /// Add a participant.
    AddParticipant { grantee: Grantee },
    /// Change a participant's access.
    SetAccess { participant: ParticipantId },
    /// The young adult gives a parent access again.
    AdultGrant { participant: ParticipantId },
    /// Record a paper consent on behalf of a participant.
    PaperConsent {
        giver: ParticipantId,
        giver_is_actors_own_cpr: bool,
    },
}

impl Grant {
    pub fn action(&self) -> Action {
        match self {
            Self::CreateCase { .. } => Action::CreateCase,
            Self::HandOver { .. } => Action::HandOverCoordinator,
            Self::AddParticipant { .. } | Self::SetAccess { .. } => Action::ManageParticipants,
            Self::AdultGrant { .. } => Action::GrantParentAccess,
            Self::PaperConsent { .. } => Action::RecordPaperConsent,
        }
    }
}

/// `decide` for the grant's action, then the refusals of self-granting.
pub fn decide_grant(
    actor: &Actor,
    grant: Grant,
    case: Option<&CaseFacts>,
    rule: CustodyRule,
    now: OffsetDateTime,
) -> Decision {
    let decision = decide(actor, grant.action(), case, rule, now);
    if !decision.is_allowed() {
        return decision;
    }
    let own_participation = |id: ParticipantId| {
        case.into_iter()
            .flat_map(|c| &c.participants)
            .any(|p| p.id == id && p.account == Some(actor.account))
    };
    let refusal = match grant {
        Grant::CreateCase { young_person } if young_person.actors_own_cpr => {
            Some(Reason::OwnIdentity)
        }
        Grant::HandOver { to } if to.is(actor) => Some(Reason::SelfHandOver),
        Grant::AddParticipant { grantee } if grantee.is(actor) => Some(Reason::SelfParticipant),
        Grant::AddParticipant { grantee } if grantee.actors_own_cpr => Some(Reason::OwnIdentity),
        Grant::SetAccess { participant } if own_participation(participant) => {
            Some(Reason::OwnAccess)
        }
        Grant::AdultGrant { participant } if own_participation(participant) => {
            Some(Reason::SelfGrant)
        }
        Grant::PaperConsent {
            giver,
            giver_is_actors_own_cpr,
        } if giver_is_actors_own_cpr || own_participation(giver) => Some(Reason::OwnIdentity),
        _ => None,
    };
    refusal.map_or(Decision::Allow, Decision::Deny)
}

//! Who hears of an event, as the policy decides on the facts of that moment: for a document,
//! every participant who may read it (no consent, no e-mail) and the coordinator, never the one
//! who made the change. A recipient is judged as if they logged in to follow the link: a
//! citizen at Substantial (they need it to read anything), staff in the case's municipality.

use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::custody_rule::CustodyRule;
use crate::domain::ids::{AccountId, CaseId};
use crate::domain::notice_event::NoticeEvent;
use crate::domain::role::Role;
use crate::policy::{self, Action, Actor, ActorKind, CaseFacts};
use crate::store::outbox::NewMessage;
use time::OffsetDateTime;

/// The action a recipient must be allowed, for the event to be theirs to hear of.
fn action_for(event: NoticeEvent) -> Action {
    if event.about_documents() {
        Action::ReadDocuments
    } else {
        Action::ViewCase
    }
}

/// The policy's view of `account` on this case when they follow the link; None when they have
/// no part in it.
pub fn actor_in_case(facts: &CaseFacts, account: AccountId) -> Option<Actor> {
    let staff = ActorKind::Staff {
        municipality: facts.municipality,
        is_admin: false,
        // Reading never depends on creating cases.
        may_create_cases: false,
    };
    if account == facts.coordinator {
        return Some(Actor {
            account,
            kind: staff,
        });
    }
    let participant = facts
        .participants
        .iter()
        .find(|p| p.account == Some(account))?;
    let kind = match participant.role {
        Role::Professional => staff,
        Role::YoungPerson | Role::Parent | Role::TrustedAdult => ActorKind::Citizen {
            assurance: AssuranceLevel::Substantial,
        },
    };
    Some(Actor { account, kind })
}

/// Whether `actor` may hear of `event` on the case now.
pub fn may_hear(
    actor: &Actor,
    event: NoticeEvent,
    facts: &CaseFacts,
    rule: CustodyRule,
    now: OffsetDateTime,
) -> bool {
    policy::decide(actor, action_for(event), Some(facts), rule, now).is_allowed()
}

/// Everyone on the case who may hear of `event` now (the coordinator first, then participants
/// in the order added), except `author`.
pub fn everyone_allowed(
    facts: &CaseFacts,
    event: NoticeEvent,
    author: AccountId,
    rule: CustodyRule,
    now: OffsetDateTime,
) -> Vec<AccountId> {
    let accounts = std::iter::once(facts.coordinator)
        .chain(facts.participants.iter().filter_map(|p| p.account));
    let mut found = Vec::new();
    for account in accounts {
        if account == author || found.contains(&account) {
            continue;
        }
        if actor_in_case(facts, account).is_some_and(|a| may_hear(&a, event, facts, rule, now)) {
            found.push(account);
        }
    }
    found
}

/// One outbox row per recipient.
pub fn messages(
    case_id: CaseId,
    recipients: &[AccountId],
    event: NoticeEvent,
    detail: Option<&'static str>,
) -> Vec<NewMessage> {
    recipients
        .iter()
        .map(|&recipient| NewMessage {
            recipient,
            case_id: Some(case_id),
            event,
            detail: detail.map(str::to_owned),
            dedupe_key: None,
        })
        .collect()
}

#[cfg(test)]
mod tests;

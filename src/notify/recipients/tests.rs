//! Who hears of a document: the policy's readers of the moment, never the author.

use super::*;
use crate::domain::access::Access;
use crate::domain::case_status::CaseStatus;
use crate::domain::department::Department;
use crate::domain::ids::{MunicipalityId, ParticipantId};
use crate::policy::{Consent, ConsentGiver, Participant};
use time::macros::{date, datetime};

const NOW: OffsetDateTime = datetime!(2026-12-01 12:00 UTC);

struct Team {
    facts: CaseFacts,
    young: AccountId,
    parent: AccountId,
    inside: AccountId,
    outside: AccountId,
    p_parent: ParticipantId,
}

fn participant(account: AccountId, role: Role, department: Option<Department>) -> Participant {
    Participant {
        id: ParticipantId::new(),
        account: Some(account),
        role,
        department,
        access: Access::Read,
        has_custody: role == Role::Parent,
        adult_grant_on: None,
    }
}

/// A 16-year-old, their custody-holding parent, a job-centre and a school professional, and
/// a citizen invited by CPR who has not logged in (no account: nobody to mail).
fn team() -> Team {
    let (young, parent, inside, outside) = (
        AccountId::new(),
        AccountId::new(),
        AccountId::new(),
        AccountId::new(),
    );
    let parent_row = participant(parent, Role::Parent, None);
    let p_parent = parent_row.id;
    let mut invited = participant(AccountId::new(), Role::TrustedAdult, None);
    invited.account = None;
    Team {
        facts: CaseFacts {
            municipality: MunicipalityId::new(),
            status: CaseStatus::Active,
            coordinator: AccountId::new(),
            young_person_birth_date: date!(2010 - 05 - 01),
            participants: vec![
                participant(young, Role::YoungPerson, None),
                parent_row,
                participant(inside, Role::Professional, Some(Department::JobCentre)),
                participant(outside, Role::Professional, Some(Department::School)),
                invited,
            ],
            former: Vec::new(),
            consents: Vec::new(),
        },
        young,
        parent,
        inside,
        outside,
        p_parent,
    }
}

fn consent(giver: ConsentGiver) -> Consent {
    Consent {
        giver,
        scope: vec![Department::JobCentre],
        valid_from: datetime!(2026-11-01 12:00 UTC),
        valid_until: None,
        withdrawn_at: None,
    }
}

fn readers(facts: &CaseFacts, author: AccountId) -> Vec<AccountId> {
    everyone_allowed(
        facts,
        NoticeEvent::DocumentVersion,
        author,
        CustodyRule::All,
        NOW,
    )
}

/// Consent governs sharing with others: without it the parties (the young person and the
/// custody holder of a minor) still read their own papers and hear of them, no professional.
#[test]
fn without_consent_only_the_coordinator_and_the_parties_hear_of_a_document() {
    let team = team();
    let coordinator = team.facts.coordinator;
    assert_eq!(
        readers(&team.facts, team.inside),
        vec![coordinator, team.young, team.parent]
    );
    assert_eq!(
        readers(&team.facts, coordinator),
        vec![team.young, team.parent]
    );
}

#[test]
fn with_consent_the_readers_inside_its_scope_hear_of_it_but_the_author() {
    let mut team = team();
    team.facts.consents = vec![
        consent(ConsentGiver::YoungPerson),
        consent(ConsentGiver::CustodyHolder(team.p_parent)),
    ];
    let coordinator = team.facts.coordinator;
    assert_eq!(
        readers(&team.facts, coordinator),
        vec![team.young, team.parent, team.inside]
    );
    assert!(!readers(&team.facts, team.young).contains(&team.outside));
    assert_eq!(
        readers(&team.facts, team.young),
        vec![coordinator, team.parent, team.inside]
    );
}

#[test]
fn a_missing_custody_consent_silences_every_professional() {
    let mut team = team();
    team.facts.consents = vec![consent(ConsentGiver::YoungPerson)];
    assert_eq!(
        readers(&team.facts, team.facts.coordinator),
        vec![team.young, team.parent]
    );
}

#[test]
fn being_added_is_heard_without_consent() {
    let team = team();
    let actor = actor_in_case(&team.facts, team.outside).expect("a participant");
    assert!(may_hear(
        &actor,
        NoticeEvent::ParticipantAdded,
        &team.facts,
        CustodyRule::All,
        NOW
    ));
    assert!(actor_in_case(&team.facts, AccountId::new()).is_none());
}

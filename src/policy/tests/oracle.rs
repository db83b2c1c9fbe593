//! The oracle: the rules of DESIGN.md §3 and the policy's module docs, stated again here without
//! looking at `decide` or `sharing`, and without `age` (a moment carries its dates by hand).

use super::moments::Moment;
use crate::domain::access::Access;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::domain::ids::ParticipantId;
use crate::domain::role::Role;
use crate::policy::{
    Action, Actor, ActorKind, CaseFacts, Consent, ConsentGiver, Decision, Missing, Participant,
    Reason, Sharing,
};
use std::collections::BTreeSet;

/// Whether a consent counts at the moment (the Copenhagen date is the moment's, by hand).
fn oracle_active(c: &Consent, m: &Moment) -> bool {
    let started = c.valid_from <= m.now;
    let not_withdrawn = match c.withdrawn_at {
        None => true,
        Some(at) => at > m.now,
    };
    let not_expired = match c.valid_until {
        None => true,
        Some(last_day) => m.today <= last_day,
    };
    started && not_withdrawn && not_expired
}

/// Consent belongs to its giver: it counts while it is active and its giver is on the case (the
/// young person's while the case has a young person, a custody holder's while that participant
/// is on it); a removed giver's consent does not keep sharing on.
fn oracle_counts(case: &CaseFacts, c: &Consent, m: &Moment) -> bool {
    let giver_on_case = match c.giver {
        ConsentGiver::YoungPerson => case
            .participants
            .iter()
            .any(|p| p.role == Role::YoungPerson),
        ConsentGiver::CustodyHolder(id) => case.participants.iter().any(|p| p.id == id),
    };
    giver_on_case && oracle_active(c, m)
}

/// Sharing, stated from DESIGN.md §3.3: the young person has an active consent and, while they
/// are under 18 on the day (Copenhagen), so has every custody holder who is a participant of the
/// case (`All`), or at least one of them (`Any`). A case without custody holders waits for none.
/// `All` names each custody holder still missing, in the case's order; `Any` has one line for
/// them all.
pub(super) fn oracle_sharing(case: &CaseFacts, rule: CustodyRule, m: &Moment) -> Sharing {
    // First the consents: whose own consent counts right now (their giver still on the case).
    let mut young_person_consents = false;
    let mut consenting: BTreeSet<ParticipantId> = BTreeSet::new();
    for c in case.consents.iter().filter(|c| oracle_counts(case, c, m)) {
        match c.giver {
            ConsentGiver::YoungPerson => young_person_consents = true,
            ConsentGiver::CustodyHolder(id) => {
                consenting.insert(id);
            }
        }
    }
    let mut missing = Vec::new();
    if !young_person_consents {
        missing.push(Missing::ConsentYoungPerson);
    }
    if m.minor() {
        // Then the case's custody holders: parents with custody (custody on anyone else makes
        // no custody holder), counted, and those without a consent of their own noted.
        let mut holders = 0usize;
        let mut holders_consenting = 0usize;
        let mut each_missing = Vec::new();
        for p in &case.participants {
            if p.role != Role::Parent || !p.has_custody {
                continue;
            }
            holders += 1;
            if consenting.contains(&p.id) {
                holders_consenting += 1;
            } else {
                each_missing.push(Missing::ConsentCustodyHolder {
                    participant_id: Some(p.id),
                });
            }
        }
        let enough = match rule {
            CustodyRule::All => holders_consenting == holders,
            CustodyRule::Any => holders == 0 || holders_consenting >= 1,
        };
        if !enough {
            match rule {
                CustodyRule::All => missing.append(&mut each_missing),
                CustodyRule::Any => missing.push(Missing::ConsentCustodyHolder {
                    participant_id: None,
                }),
            }
        }
    }
    Sharing {
        permitted: missing.is_empty(),
        missing,
    }
}

fn oracle_documents(case: &CaseFacts, me: &Participant, rule: CustodyRule, m: &Moment) -> Decision {
    // The parties read their own papers: the young person always, a custody holder while the
    // young person is under 18.
    let party = match me.role {
        Role::YoungPerson => true,
        Role::Parent => me.has_custody && m.minor(),
        _ => false,
    };
    if party {
        return Decision::Allow;
    }
    let sharing = oracle_sharing(case, rule, m);
    if !sharing.permitted {
        return Decision::Deny(Reason::AwaitingConsent(sharing.missing));
    }
    if me.role == Role::Professional {
        for c in case.consents.iter().filter(|c| oracle_counts(case, c, m)) {
            let inside = match me.department {
                None => false,
                Some(d) => c.scope.contains(&d),
            };
            if !inside {
                return Decision::Deny(Reason::OutsideConsentScope);
            }
        }
    }
    Decision::Allow
}

pub(super) fn oracle(
    actor: &Actor,
    action: Action,
    case: Option<&CaseFacts>,
    rule: CustodyRule,
    m: &Moment,
) -> Decision {
    use Action as A;
    use Decision::{Allow, Deny};

    let (staff_of, admin_flag, creates) = match actor.kind {
        ActorKind::Staff {
            municipality,
            is_admin,
            may_create_cases,
        } => (Some(municipality), is_admin, may_create_cases),
        ActorKind::Citizen { .. } => (None, false, false),
    };
    if action == A::CreateCase {
        return match (staff_of, creates) {
            (None, _) => Deny(Reason::StaffOnly),
            (Some(_), false) => Deny(Reason::MayNotCreateCases),
            (Some(_), true) => Allow,
        };
    }
    let Some(case) = case else {
        return Deny(Reason::NotFound);
    };
    if case.status == CaseStatus::Erased {
        return Deny(Reason::NotFound);
    }
    if let Some(municipality) = staff_of
        && municipality != case.municipality
    {
        return Deny(Reason::NotFound);
    }
    let admin = staff_of.is_some() && admin_flag;
    let coordinator = actor.account == case.coordinator;
    let me = case
        .participants
        .iter()
        .find(|p| p.account == Some(actor.account));

    // Withdrawing only narrows sharing: a closed case does not stop it.
    let changes = !matches!(
        action,
        A::CreateCase
            | A::ViewCase
            | A::ReadDocuments
            | A::ViewAccessLog
            | A::ReopenCase
            | A::ViewOwnConsents
            | A::WithdrawConsent(_)
    );
    if changes && case.status == CaseStatus::Closed {
        return if coordinator || admin || me.is_some() {
            Deny(Reason::CaseClosed)
        } else {
            Deny(Reason::NotFound)
        };
    }

    if coordinator {
        return match action {
            A::GiveOwnConsent | A::GrantParentAccess => Deny(Reason::NotAConsenter),
            _ => Allow,
        };
    }
    if admin
        && matches!(
            action,
            A::ViewCase | A::ManageParticipants | A::HandOverCoordinator | A::ViewAccessLog
        )
    {
        return Allow;
    }
    let outsider = match (admin, action) {
        (true, A::ReadDocuments | A::WriteDocuments) => Deny(Reason::AdminNoDocuments),
        (true, _) => Deny(Reason::CoordinatorOnly),
        (false, _) => Deny(Reason::NotFound),
    };
    // Removed from the case: no part in it, but still the giver of their consents.
    let my_rows: Vec<&Participant> = case
        .participants
        .iter()
        .chain(case.former.iter())
        .filter(|p| p.account == Some(actor.account))
        .collect();
    if my_rows.is_empty() {
        return outsider;
    }
    if let ActorKind::Citizen { assurance } = actor.kind
        && matches!(assurance, AssuranceLevel::Low)
    {
        return Deny(Reason::AssuranceTooLow);
    }
    if action == A::ViewOwnConsents {
        return Allow;
    }
    if let A::WithdrawConsent(giver) = action {
        let mine = my_rows.iter().any(|p| match giver {
            ConsentGiver::YoungPerson => p.role == Role::YoungPerson,
            ConsentGiver::CustodyHolder(id) => p.id == id,
        });
        if mine {
            return Allow;
        }
    }
    let Some(me) = me else {
        return outsider;
    };
    let minor = m.minor();
    if me.role == Role::Parent && !minor {
        let granted_as_adult = match me.adult_grant_on {
            None => false,
            Some(d) => d >= m.eighteenth,
        };
        if !granted_as_adult {
            return Deny(Reason::ParentAccessEnded);
        }
    }

    match action {
        A::ViewCase => Allow,
        A::ReadDocuments => oracle_documents(case, me, rule, m),
        A::WriteDocuments => {
            if me.access == Access::Write {
                oracle_documents(case, me, rule, m)
            } else {
                Deny(Reason::ReadOnly)
            }
        }
        A::GiveOwnConsent => match me.role {
            Role::YoungPerson => Allow,
            Role::Parent if me.has_custody && minor => Allow,
            _ => Deny(Reason::NotAConsenter),
        },
        A::GrantParentAccess => {
            if me.role == Role::YoungPerson && !minor {
                Allow
            } else {
                Deny(Reason::NotAConsenter)
            }
        }
        A::ViewAccessLog if me.role == Role::YoungPerson => Allow,
        A::ViewAccessLog if me.role == Role::Parent && me.has_custody => Allow,
        _ => Deny(Reason::CoordinatorOnly),
    }
}

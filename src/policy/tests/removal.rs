//! Consent belongs to its giver (policy rule 9), as named tests: removing the young person or a
//! custody holder stops sharing by their consent, re-adding the young person brings it back, and
//! a removed giver can still see and withdraw what they gave.

use super::cast::{Layout, World, case_facts};
use super::consents::{holder, yp};
use super::moments::moments;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::policy::{Action, ConsentGiver, Decision, Missing, Reason, decide, sharing};

#[test]
fn removing_the_young_person_stops_sharing_until_they_are_back() {
    let w = World::new();
    let m = moments().into_iter().find(|m| m.minor()).unwrap();
    let consents = vec![yp(&m), holder(w.p_a, &m), holder(w.p_b, &m)];
    let on = case_facts(
        &w,
        Layout::TwoHolders,
        consents.clone(),
        CaseStatus::Active,
        &m,
    );
    assert!(sharing(&on, CustodyRule::All, m.now).permitted);
    let removed = case_facts(
        &w,
        Layout::YoungPersonRemoved,
        consents,
        CaseStatus::Active,
        &m,
    );
    let status = sharing(&removed, CustodyRule::All, m.now);
    assert_eq!(status.missing, vec![Missing::ConsentYoungPerson]);
    let professional = w.staff(w.prof_inside, false);
    assert_eq!(
        decide(
            &professional,
            Action::ReadDocuments,
            Some(&removed),
            CustodyRule::All,
            m.now
        ),
        Decision::Deny(Reason::AwaitingConsent(vec![Missing::ConsentYoungPerson]))
    );
    // Re-added (the same facts as before the removal): their consent counts again.
    assert!(sharing(&on, CustodyRule::All, m.now).permitted);
}

#[test]
fn removing_a_custody_holder_stops_sharing_by_their_consent_only() {
    let w = World::new();
    let m = moments().into_iter().find(|m| m.minor()).unwrap();
    // A consented narrowly; removed, A's consent no longer narrows anyone's reading either.
    let narrow = crate::policy::Consent {
        scope: vec![crate::domain::department::Department::School],
        ..holder(w.p_a, &m)
    };
    let consents = vec![yp(&m), narrow, holder(w.p_b, &m)];
    let with_a = case_facts(
        &w,
        Layout::TwoHolders,
        consents.clone(),
        CaseStatus::Active,
        &m,
    );
    let professional = w.staff(w.prof_inside, false);
    assert_eq!(
        decide(
            &professional,
            Action::ReadDocuments,
            Some(&with_a),
            CustodyRule::All,
            m.now
        ),
        Decision::Deny(Reason::OutsideConsentScope)
    );
    let without_a = case_facts(&w, Layout::HolderARemoved, consents, CaseStatus::Active, &m);
    assert_eq!(
        decide(
            &professional,
            Action::ReadDocuments,
            Some(&without_a),
            CustodyRule::All,
            m.now
        ),
        Decision::Allow
    );
}

#[test]
fn a_removed_giver_still_sees_and_withdraws_their_consents_and_nothing_else() {
    let w = World::new();
    let m = moments()[0];
    let consents = vec![yp(&m), holder(w.p_a, &m), holder(w.p_b, &m)];
    for status in [CaseStatus::Active, CaseStatus::Closed] {
        for (layout, giver, account, kind) in [
            (
                Layout::YoungPersonRemoved,
                ConsentGiver::YoungPerson,
                w.young,
                "young person",
            ),
            (
                Layout::HolderARemoved,
                ConsentGiver::CustodyHolder(w.p_a),
                w.parent_a,
                "parent A",
            ),
        ] {
            let case = case_facts(&w, layout, consents.clone(), status, &m);
            let actor = w.citizen(account, AssuranceLevel::Substantial);
            let ask = |action| decide(&actor, action, Some(&case), CustodyRule::All, m.now);
            assert_eq!(
                ask(Action::ViewOwnConsents),
                Decision::Allow,
                "{kind} {status:?}"
            );
            assert_eq!(
                ask(Action::WithdrawConsent(giver)),
                Decision::Allow,
                "{kind} {status:?}"
            );
            for action in [
                Action::ViewCase,
                Action::ReadDocuments,
                Action::GiveOwnConsent,
            ] {
                assert_eq!(
                    ask(action),
                    Decision::Deny(Reason::NotFound),
                    "{kind} {action:?}"
                );
            }
            let low = w.citizen(account, AssuranceLevel::Low);
            assert_eq!(
                decide(
                    &low,
                    Action::ViewOwnConsents,
                    Some(&case),
                    CustodyRule::All,
                    m.now
                ),
                Decision::Deny(Reason::AssuranceTooLow)
            );
        }
    }
}

//! The rules people ask about, each as a named test of `decide` and `sharing` alone.

use super::cast::{Layout, World, case_facts};
use super::consents::{holder, yp};
use super::moments::{Moment, moment, moments};
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::domain::department::Department;
use crate::policy::{
    Action, Actor, ActorKind, CaseFacts, Consent, Decision, Missing, Reason, Sharing, decide,
    sharing,
};
use time::Duration;
use time::macros::{date, datetime};

fn headline_case(w: &World, m: &Moment, consents: Vec<Consent>) -> CaseFacts {
    case_facts(w, Layout::TwoHolders, consents, CaseStatus::Active, m)
}

/// 1 October 2025, 10:00 UTC: the young person (born 15 January 2008) is 17.
fn minor_in_october() -> Moment {
    moment(
        datetime!(2025-10-01 10:00 UTC),
        date!(2025 - 10 - 01),
        date!(2008 - 01 - 15),
        date!(2026 - 01 - 15),
    )
}

#[test]
fn withdrawal_cuts_a_professional_off_at_once() {
    let w = World::new();
    let given = minor_in_october();
    let withdrawn_at = datetime!(2025-10-01 10:00:01 UTC);
    let consents = vec![
        Consent {
            withdrawn_at: Some(withdrawn_at),
            ..yp(&given)
        },
        holder(w.p_a, &given),
        holder(w.p_b, &given),
    ];
    let case = headline_case(&w, &given, consents);
    let professional = w.staff(w.prof_inside, false);
    for rule in [CustodyRule::All, CustodyRule::Any] {
        let before = decide(
            &professional,
            Action::ReadDocuments,
            Some(&case),
            rule,
            withdrawn_at - Duration::seconds(1),
        );
        assert_eq!(before, Decision::Allow);
        for now in [withdrawn_at, withdrawn_at + Duration::seconds(1)] {
            assert_eq!(
                decide(&professional, Action::ReadDocuments, Some(&case), rule, now),
                Decision::Deny(Reason::AwaitingConsent(vec![Missing::ConsentYoungPerson]))
            );
            assert_eq!(
                decide(
                    &professional,
                    Action::WriteDocuments,
                    Some(&case),
                    rule,
                    now
                ),
                Decision::Deny(Reason::AwaitingConsent(vec![Missing::ConsentYoungPerson]))
            );
        }
    }
}

#[test]
fn parents_lose_access_on_the_18th_birthday_in_copenhagen() {
    let w = World::new();
    let parent = w.citizen(w.parent_a, AssuranceLevel::Substantial);
    let regranted = w.citizen(w.parent_b, AssuranceLevel::Substantial);
    let young = w.citizen(w.young, AssuranceLevel::Substantial);
    // Winter (CET, UTC+1): the birthday starts at 23:00 UTC the evening before.
    // Summer (CEST, UTC+2): at 22:00 UTC.
    for (birth, eighteenth, last_minor, first_adult) in [
        (
            date!(2008 - 01 - 15),
            date!(2026 - 01 - 15),
            datetime!(2026-01-14 22:59:59 UTC),
            datetime!(2026-01-14 23:00 UTC),
        ),
        (
            date!(2008 - 07 - 10),
            date!(2026 - 07 - 10),
            datetime!(2026-07-09 21:59:59 UTC),
            datetime!(2026-07-09 22:00 UTC),
        ),
    ] {
        let m = moment(
            last_minor,
            eighteenth.previous_day().unwrap(),
            birth,
            eighteenth,
        );
        let case = headline_case(&w, &m, vec![]);
        let view = |actor: &Actor, now| {
            decide(actor, Action::ViewCase, Some(&case), CustodyRule::All, now)
        };
        assert_eq!(view(&parent, last_minor), Decision::Allow);
        assert_eq!(
            decide(
                &parent,
                Action::GiveOwnConsent,
                Some(&case),
                CustodyRule::All,
                last_minor
            ),
            Decision::Allow
        );
        assert_eq!(
            view(&parent, first_adult),
            Decision::Deny(Reason::ParentAccessEnded)
        );
        assert_eq!(
            decide(
                &parent,
                Action::GiveOwnConsent,
                Some(&case),
                CustodyRule::All,
                first_adult
            ),
            Decision::Deny(Reason::ParentAccessEnded)
        );
        // Granted again on the birthday: still in, but no longer a consenter.
        assert_eq!(view(&regranted, first_adult), Decision::Allow);
        assert_eq!(
            decide(
                &regranted,
                Action::GiveOwnConsent,
                Some(&case),
                CustodyRule::All,
                first_adult
            ),
            Decision::Deny(Reason::NotAConsenter)
        );
        // The young person may grant parent access from the first Copenhagen minute of the day.
        assert_eq!(
            decide(
                &young,
                Action::GrantParentAccess,
                Some(&case),
                CustodyRule::All,
                last_minor
            ),
            Decision::Deny(Reason::NotAConsenter)
        );
        assert_eq!(
            decide(
                &young,
                Action::GrantParentAccess,
                Some(&case),
                CustodyRule::All,
                first_adult
            ),
            Decision::Allow
        );
        // From the birthday, custody holders are no longer needed for sharing.
        let only_young = headline_case(&w, &m, vec![yp(&m)]);
        assert!(!sharing(&only_young, CustodyRule::All, last_minor).permitted);
        assert_eq!(
            sharing(&only_young, CustodyRule::All, first_adult),
            Sharing {
                permitted: true,
                missing: vec![]
            }
        );
    }
}

#[test]
fn leap_day_birthday_comes_of_age_on_1_march() {
    let w = World::new();
    let birth = date!(2008 - 02 - 29);
    let parent = w.citizen(w.parent_a, AssuranceLevel::Substantial);
    let m = moment(
        datetime!(2026-02-28 12:00 UTC),
        date!(2026 - 02 - 28),
        birth,
        date!(2026 - 03 - 01),
    );
    let case = headline_case(&w, &m, vec![yp(&m)]);
    for (now, minor) in [
        (datetime!(2026-02-28 12:00 UTC), true),
        (datetime!(2026-02-28 22:59:59 UTC), true),
        (datetime!(2026-02-28 23:00 UTC), false),
        (datetime!(2026-03-01 12:00 UTC), false),
    ] {
        let expected = if minor {
            Decision::Allow
        } else {
            Decision::Deny(Reason::ParentAccessEnded)
        };
        assert_eq!(
            decide(
                &parent,
                Action::ViewCase,
                Some(&case),
                CustodyRule::All,
                now
            ),
            expected,
            "{now}"
        );
        let permitted = sharing(&case, CustodyRule::Any, now).permitted;
        assert_eq!(permitted, !minor, "{now}");
    }
}

#[test]
fn strangers_get_not_found_never_forbidden() {
    let w = World::new();
    let m = moments()[0];
    let strangers = [
        w.staff(w.staff_stranger, false),
        w.citizen(w.citizen_stranger, AssuranceLevel::High),
        Actor {
            account: w.other_admin,
            kind: ActorKind::Staff {
                municipality: w.other,
                is_admin: true,
                may_create_cases: true,
            },
        },
        Actor {
            account: w.coordinator,
            kind: ActorKind::Staff {
                municipality: w.other,
                is_admin: true,
                may_create_cases: true,
            },
        },
        Actor {
            account: w.prof_inside,
            kind: ActorKind::Staff {
                municipality: w.other,
                is_admin: false,
                may_create_cases: false,
            },
        },
    ];
    let all = [yp(&m), holder(w.p_a, &m), holder(w.p_b, &m)];
    for status in [CaseStatus::Active, CaseStatus::Closed, CaseStatus::Erased] {
        let case = case_facts(&w, Layout::TwoHolders, all.to_vec(), status, &m);
        for stranger in &strangers {
            for (label, action) in w
                .actions()
                .into_iter()
                .filter(|(_, a)| *a != Action::CreateCase)
            {
                for case in [None, Some(&case)] {
                    let got = decide(stranger, action, case, CustodyRule::All, m.now);
                    assert_eq!(
                        got,
                        Decision::Deny(Reason::NotFound),
                        "{stranger:?} {label} {status:?}"
                    );
                    let Decision::Deny(reason) = got else {
                        unreachable!()
                    };
                    assert!(reason.hides_existence());
                }
            }
        }
    }
    // Even the case's own people meet 404 once it is erased.
    let erased = case_facts(&w, Layout::TwoHolders, all.to_vec(), CaseStatus::Erased, &m);
    for (_, actor) in w.actors() {
        assert_eq!(
            decide(
                &actor,
                Action::ViewCase,
                Some(&erased),
                CustodyRule::All,
                m.now
            ),
            Decision::Deny(Reason::NotFound)
        );
    }
}

#[test]
fn admins_never_read_documents_unless_participants() {
    let w = World::new();
    let m = moments()[0];
    let wide: Vec<Consent> = [yp(&m), holder(w.p_a, &m), holder(w.p_b, &m)]
        .into_iter()
        .map(|c| Consent {
            scope: Department::ALL.to_vec(),
            ..c
        })
        .collect();
    let case = headline_case(&w, &m, wide);
    assert!(sharing(&case, CustodyRule::All, m.now).permitted);
    let admin = w.staff(w.admin, true);
    let admin_participant = w.staff(w.admin_prof, true);
    for action in [Action::ReadDocuments, Action::WriteDocuments] {
        assert_eq!(
            decide(&admin, action, Some(&case), CustodyRule::All, m.now),
            Decision::Deny(Reason::AdminNoDocuments)
        );
        assert_eq!(
            decide(
                &admin_participant,
                action,
                Some(&case),
                CustodyRule::All,
                m.now
            ),
            Decision::Allow
        );
    }
    for action in [
        Action::ViewCase,
        Action::ManageParticipants,
        Action::HandOverCoordinator,
        Action::ViewAccessLog,
    ] {
        assert_eq!(
            decide(&admin, action, Some(&case), CustodyRule::All, m.now),
            Decision::Allow
        );
    }
    assert_eq!(
        decide(
            &admin,
            Action::CloseCase,
            Some(&case),
            CustodyRule::All,
            m.now
        ),
        Decision::Deny(Reason::CoordinatorOnly)
    );
}

#[test]
fn custody_rule_all_needs_every_holder_any_needs_one() {
    let w = World::new();
    let m = moments()[0];
    let case = headline_case(&w, &m, vec![yp(&m), holder(w.p_a, &m)]);
    assert_eq!(
        sharing(&case, CustodyRule::All, m.now),
        Sharing {
            permitted: false,
            missing: vec![Missing::ConsentCustodyHolder {
                participant_id: Some(w.p_b)
            }]
        }
    );
    assert_eq!(
        sharing(&case, CustodyRule::Any, m.now),
        Sharing {
            permitted: true,
            missing: vec![]
        }
    );
    let none = headline_case(&w, &m, vec![]);
    assert_eq!(
        sharing(&none, CustodyRule::All, m.now).missing,
        vec![
            Missing::ConsentYoungPerson,
            Missing::ConsentCustodyHolder {
                participant_id: Some(w.p_a)
            },
            Missing::ConsentCustodyHolder {
                participant_id: Some(w.p_b)
            },
        ]
    );
    assert_eq!(
        sharing(&none, CustodyRule::Any, m.now).missing,
        vec![
            Missing::ConsentYoungPerson,
            Missing::ConsentCustodyHolder {
                participant_id: None
            }
        ]
    );
}

/// Consent governs sharing with others (#14): without any consent, and after withdrawing, the
/// young person and a minor's custody holders read their own papers; nobody else but the
/// coordinator does, and at 18 a parent's own access ends as before.
#[test]
fn the_parties_read_their_own_papers_whatever_the_consents_say() {
    let w = World::new();
    let minor = minor_in_october();
    let withdrawn = vec![Consent {
        withdrawn_at: Some(datetime!(2025-09-30 10:00 UTC)),
        ..yp(&minor)
    }];
    for consents in [Vec::new(), withdrawn] {
        let case = headline_case(&w, &minor, consents);
        let read = |actor: &Actor| {
            decide(
                actor,
                Action::ReadDocuments,
                Some(&case),
                CustodyRule::All,
                minor.now,
            )
        };
        let citizen = |a| w.citizen(a, AssuranceLevel::Substantial);
        assert_eq!(read(&citizen(w.young)), Decision::Allow);
        assert_eq!(
            read(&citizen(w.parent_a)),
            Decision::Allow,
            "a custody holder"
        );
        for outsider in [
            citizen(w.parent_c),
            citizen(w.trusted),
            w.staff(w.prof_inside, false),
        ] {
            assert!(
                matches!(read(&outsider), Decision::Deny(Reason::AwaitingConsent(_))),
                "{outsider:?}"
            );
        }
    }
    let adult = moment(
        datetime!(2026-03-01 10:00 UTC),
        date!(2026 - 03 - 01),
        date!(2008 - 01 - 15),
        date!(2026 - 01 - 15),
    );
    let case = headline_case(&w, &adult, Vec::new());
    let read = |actor: &Actor| {
        decide(
            actor,
            Action::ReadDocuments,
            Some(&case),
            CustodyRule::All,
            adult.now,
        )
    };
    assert_eq!(
        read(&w.citizen(w.young, AssuranceLevel::Substantial)),
        Decision::Allow
    );
    assert_eq!(
        read(&w.citizen(w.parent_a, AssuranceLevel::Substantial)),
        Decision::Deny(Reason::ParentAccessEnded)
    );
    assert!(
        matches!(
            read(&w.citizen(w.parent_b, AssuranceLevel::Substantial)),
            Decision::Deny(Reason::AwaitingConsent(_))
        ),
        "a parent granted access again as an adult's is no party: the young adult's consent counts"
    );
}

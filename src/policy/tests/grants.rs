//! `decide_grant` against the oracle: every actor × every grant (to every account of the cast,
//! every participant, with and without the actor's own CPR number) × case layout × status ×
//! custody rule × moment. The self-granting rules are stated again here from the module doc of
//! `policy::grants`; whether the underlying action is allowed at all is the case oracle's.

use super::cast::{LAYOUTS, Layout, World, case_facts};
use super::consents::{holder, yp};
use super::moments::moments;
use super::oracle::oracle;
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::policy::grants::{Grant, Grantee, decide_grant};
use crate::policy::{Actor, CaseFacts, Decision, Reason};

/// Every grant worth trying: to each account of the cast (and none), each participant id.
fn grants(w: &World) -> Vec<Grant> {
    let mut accounts: Vec<_> = w
        .actors()
        .into_iter()
        .map(|(_, a)| Some(a.account))
        .collect();
    accounts.push(None);
    let participants = [
        w.p_young,
        w.p_a,
        w.p_b,
        w.p_c,
        w.p_admin_prof,
        w.p_inside,
        w.p_read_only,
        w.p_trusted,
        w.p_invited,
        w.p_coordinator,
        w.p_unknown,
    ];
    let mut all = Vec::new();
    for own in [false, true] {
        all.push(Grant::CreateCase {
            young_person: Grantee {
                account: None,
                actors_own_cpr: own,
            },
        });
        for account in &accounts {
            let grantee = Grantee {
                account: *account,
                actors_own_cpr: own,
            };
            all.push(Grant::HandOver { to: grantee });
            all.push(Grant::AddParticipant { grantee });
        }
        for p in participants {
            all.push(Grant::PaperConsent {
                giver: p,
                giver_is_actors_own_cpr: own,
            });
        }
    }
    for p in participants {
        all.push(Grant::SetAccess { participant: p });
        all.push(Grant::AdultGrant { participant: p });
    }
    all
}

/// The rules of `policy::grants`, stated again.
fn oracle_grant(
    actor: &Actor,
    grant: Grant,
    case: Option<&CaseFacts>,
    rule: CustodyRule,
    m: &super::moments::Moment,
) -> Decision {
    let first = oracle(actor, grant.action(), case, rule, m);
    if first != Decision::Allow {
        return first;
    }
    let mine = |id| {
        case.is_some_and(|c| {
            c.participants
                .iter()
                .any(|p| p.id == id && p.account == Some(actor.account))
        })
    };
    let me = Some(actor.account);
    let reason = match grant {
        Grant::CreateCase { young_person } => {
            young_person.actors_own_cpr.then_some(Reason::OwnIdentity)
        }
        Grant::HandOver { to } => (to.account == me).then_some(Reason::SelfHandOver),
        Grant::AddParticipant { grantee } => {
            if grantee.account == me {
                Some(Reason::SelfParticipant)
            } else if grantee.actors_own_cpr {
                Some(Reason::OwnIdentity)
            } else {
                None
            }
        }
        Grant::SetAccess { participant } => mine(participant).then_some(Reason::OwnAccess),
        Grant::AdultGrant { participant } => mine(participant).then_some(Reason::SelfGrant),
        Grant::PaperConsent {
            giver,
            giver_is_actors_own_cpr,
        } => (giver_is_actors_own_cpr || mine(giver)).then_some(Reason::OwnIdentity),
    };
    match reason {
        Some(reason) => Decision::Deny(reason),
        None => Decision::Allow,
    }
}

#[test]
fn decide_grant_agrees_with_the_oracle_everywhere() {
    let w = World::new();
    let actors = w.actors();
    let grants = grants(&w);
    let mut checked = 0usize;
    let mut allowed = 0usize;
    let mut self_refused = 0usize;
    let mut wrong = Vec::new();
    for m in moments().iter().step_by(3) {
        let consents = vec![yp(m), holder(w.p_a, m), holder(w.p_b, m)];
        for layout in LAYOUTS {
            for status in [CaseStatus::Active, CaseStatus::Closed] {
                let case = case_facts(&w, layout, consents.clone(), status, m);
                for rule in [CustodyRule::All, CustodyRule::Any] {
                    for (label, actor) in &actors {
                        for grant in &grants {
                            for facts in [None, Some(&case)] {
                                let expected = oracle_grant(actor, *grant, facts, rule, m);
                                let got = decide_grant(actor, *grant, facts, rule, m.now);
                                checked += 1;
                                allowed += usize::from(expected.is_allowed());
                                if let Decision::Deny(r) = &expected {
                                    self_refused += usize::from(r.refuses_self_granting());
                                }
                                if expected != got && wrong.len() < 20 {
                                    wrong.push(w.names(format!(
                                        "{label} | {grant:?} | {layout:?} {status:?} | expected {expected:?} | got {got:?}"
                                    )));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "grants: {checked} decisions, {allowed} allowed, {self_refused} refused as self-granting"
    );
    assert!(checked >= 100_000, "only {checked} checked");
    assert!(
        self_refused >= 1_000 && allowed >= 1_000,
        "suspicious oracle"
    );
    assert!(
        wrong.is_empty(),
        "decide_grant disagrees:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn nobody_widens_their_own_access_by_any_route() {
    let w = World::new();
    let m = moments()[0];
    let admin = w.staff(w.admin, true);
    let coordinator = w.staff(w.coordinator, false);
    let admin_prof = w.staff(w.admin_prof, true);
    let young = w.citizen(
        w.young,
        crate::domain::assurance_level::AssuranceLevel::High,
    );
    let me = |a: &Actor| Grantee {
        account: Some(a.account),
        actors_own_cpr: false,
    };
    let own_cpr = Grantee {
        account: None,
        actors_own_cpr: true,
    };
    let table: Vec<(&str, &Actor, Grant, Reason)> = vec![
        (
            "admin hands over to self",
            &admin,
            Grant::HandOver { to: me(&admin) },
            Reason::SelfHandOver,
        ),
        (
            "coordinator hands over to self",
            &coordinator,
            Grant::HandOver {
                to: me(&coordinator),
            },
            Reason::SelfHandOver,
        ),
        (
            "admin adds self",
            &admin,
            Grant::AddParticipant {
                grantee: me(&admin),
            },
            Reason::SelfParticipant,
        ),
        (
            "admin adds own CPR",
            &admin,
            Grant::AddParticipant { grantee: own_cpr },
            Reason::OwnIdentity,
        ),
        (
            "coordinator adds own CPR",
            &coordinator,
            Grant::AddParticipant { grantee: own_cpr },
            Reason::OwnIdentity,
        ),
        (
            "admin participant raises own access",
            &admin_prof,
            Grant::SetAccess {
                participant: w.p_admin_prof,
            },
            Reason::OwnAccess,
        ),
        (
            "coordinator changes own participation",
            &coordinator,
            Grant::SetAccess {
                participant: w.p_coordinator,
            },
            Reason::OwnAccess,
        ),
        (
            "young adult grants self",
            &young,
            Grant::AdultGrant {
                participant: w.p_young,
            },
            Reason::SelfGrant,
        ),
        (
            "paper consent for own CPR",
            &coordinator,
            Grant::PaperConsent {
                giver: w.p_young,
                giver_is_actors_own_cpr: true,
            },
            Reason::OwnIdentity,
        ),
        (
            "case about own CPR",
            &coordinator,
            Grant::CreateCase {
                young_person: own_cpr,
            },
            Reason::OwnIdentity,
        ),
    ];
    let adult_moment = moments()
        .into_iter()
        .find(|m| !m.minor())
        .expect("a moment after the 18th birthday");
    for (label, actor, grant, reason) in table {
        let when = if matches!(grant, Grant::AdultGrant { .. }) {
            &adult_moment
        } else {
            &m
        };
        let consents = vec![yp(when), holder(w.p_a, when)];
        let case = case_facts(&w, Layout::OneHolder, consents, CaseStatus::Active, when);
        let got = decide_grant(actor, grant, Some(&case), CustodyRule::All, when.now);
        assert_eq!(got, Decision::Deny(reason.clone()), "{label}");
        assert!(
            reason.refuses_self_granting() && !reason.hides_existence(),
            "{label}"
        );
    }
}

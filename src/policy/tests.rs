//! The exhaustive policy test: every combination of actor, action, case state, consent state,
//! age, custody rule and moment is decided by `decide` and by `oracle`, an independent statement
//! of the rules written here from the specification (not from `decide`). The oracle does not use
//! `age`: each moment carries its Copenhagen date and the young person's 18th birthday written
//! out by hand (`hand_written_dates_are_copenhagens` checks them against `age`, as inputs).

use super::*;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, MunicipalityId, ParticipantId};
use std::collections::BTreeMap;
use time::Duration;
use time::macros::{date, datetime};

// ---------------------------------------------------------------------------------------------
// Moments: `now`, with its Copenhagen date and the 18th birthday worked out by hand.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Moment {
    label: &'static str,
    now: OffsetDateTime,
    /// The Europe/Copenhagen calendar date of `now` (by hand).
    today: Date,
    birth: Date,
    /// The young person's 18th birthday (by hand).
    eighteenth: Date,
}

impl Moment {
    fn yesterday(&self) -> Date {
        self.today.previous_day().unwrap()
    }

    fn minor(&self) -> bool {
        self.today < self.eighteenth
    }
}

fn moments() -> Vec<Moment> {
    let winter = date!(2008 - 01 - 15);
    let winter_18 = date!(2026 - 01 - 15);
    let summer = date!(2008 - 07 - 10);
    let summer_18 = date!(2026 - 07 - 10);
    let leap = date!(2008 - 02 - 29);
    let leap_18 = date!(2026 - 03 - 01);
    vec![
        Moment {
            label: "17: noon UTC the day before the 18th birthday (winter)",
            now: datetime!(2026-01-14 12:00 UTC),
            today: date!(2026 - 01 - 14),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "17: 22:30 UTC on the eve = 23:30 in Copenhagen (winter)",
            now: datetime!(2026-01-14 22:30 UTC),
            today: date!(2026 - 01 - 14),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "18: 23:30 UTC on the eve = 00:30 on the birthday in Copenhagen (winter)",
            now: datetime!(2026-01-14 23:30 UTC),
            today: date!(2026 - 01 - 15),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "18: noon on the 18th birthday (winter)",
            now: datetime!(2026-01-15 12:00 UTC),
            today: date!(2026 - 01 - 15),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "19: a year and more after the 18th birthday",
            now: datetime!(2027-03-10 12:00 UTC),
            today: date!(2027 - 03 - 10),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "17: 21:30 UTC on the eve = 23:30 in Copenhagen (summer)",
            now: datetime!(2026-07-09 21:30 UTC),
            today: date!(2026 - 07 - 09),
            birth: summer,
            eighteenth: summer_18,
        },
        Moment {
            label: "18: 22:30 UTC on the eve = 00:30 on the birthday in Copenhagen (summer)",
            now: datetime!(2026-07-09 22:30 UTC),
            today: date!(2026 - 07 - 10),
            birth: summer,
            eighteenth: summer_18,
        },
        Moment {
            label: "17: born 29 Feb 2008, noon 28 Feb 2026",
            now: datetime!(2026-02-28 12:00 UTC),
            today: date!(2026 - 02 - 28),
            birth: leap,
            eighteenth: leap_18,
        },
        Moment {
            label: "18: born 29 Feb 2008, 23:30 UTC 28 Feb 2026 = 1 March in Copenhagen",
            now: datetime!(2026-02-28 23:30 UTC),
            today: date!(2026 - 03 - 01),
            birth: leap,
            eighteenth: leap_18,
        },
        Moment {
            label: "18: born 29 Feb 2008, noon 1 March 2026",
            now: datetime!(2026-03-01 12:00 UTC),
            today: date!(2026 - 03 - 01),
            birth: leap,
            eighteenth: leap_18,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// The cast: accounts and participants.
// ---------------------------------------------------------------------------------------------

struct World {
    home: MunicipalityId,
    other: MunicipalityId,
    coordinator: AccountId,
    admin: AccountId,
    admin_prof: AccountId,
    prof_inside: AccountId,
    prof_outside: AccountId,
    prof_read_only: AccountId,
    prof_no_dept: AccountId,
    young: AccountId,
    parent_a: AccountId,
    parent_b: AccountId,
    parent_c: AccountId,
    trusted: AccountId,
    staff_stranger: AccountId,
    citizen_stranger: AccountId,
    other_admin: AccountId,
    p_young: ParticipantId,
    p_a: ParticipantId,
    p_b: ParticipantId,
    p_c: ParticipantId,
    p_admin_prof: ParticipantId,
    p_inside: ParticipantId,
    p_outside: ParticipantId,
    p_read_only: ParticipantId,
    p_no_dept: ParticipantId,
    p_trusted: ParticipantId,
    p_invited: ParticipantId,
    p_coordinator: ParticipantId,
    p_unknown: ParticipantId,
}

impl World {
    fn new() -> Self {
        Self {
            home: MunicipalityId::new(),
            other: MunicipalityId::new(),
            coordinator: AccountId::new(),
            admin: AccountId::new(),
            admin_prof: AccountId::new(),
            prof_inside: AccountId::new(),
            prof_outside: AccountId::new(),
            prof_read_only: AccountId::new(),
            prof_no_dept: AccountId::new(),
            young: AccountId::new(),
            parent_a: AccountId::new(),
            parent_b: AccountId::new(),
            parent_c: AccountId::new(),
            trusted: AccountId::new(),
            staff_stranger: AccountId::new(),
            citizen_stranger: AccountId::new(),
            other_admin: AccountId::new(),
            p_young: ParticipantId::new(),
            p_a: ParticipantId::new(),
            p_b: ParticipantId::new(),
            p_c: ParticipantId::new(),
            p_admin_prof: ParticipantId::new(),
            p_inside: ParticipantId::new(),
            p_outside: ParticipantId::new(),
            p_read_only: ParticipantId::new(),
            p_no_dept: ParticipantId::new(),
            p_trusted: ParticipantId::new(),
            p_invited: ParticipantId::new(),
            p_coordinator: ParticipantId::new(),
            p_unknown: ParticipantId::new(),
        }
    }

    fn staff(&self, account: AccountId, is_admin: bool) -> Actor {
        Actor {
            account,
            kind: ActorKind::Staff {
                municipality: self.home,
                is_admin,
            },
        }
    }

    fn citizen(&self, account: AccountId, assurance: AssuranceLevel) -> Actor {
        Actor {
            account,
            kind: ActorKind::Citizen { assurance },
        }
    }

    fn actors(&self) -> Vec<(&'static str, Actor)> {
        use AssuranceLevel::{High, Low, Substantial};
        vec![
            ("coordinator", self.staff(self.coordinator, false)),
            ("admin, not a participant", self.staff(self.admin, true)),
            (
                "admin who is a professional participant (job centre, write)",
                self.staff(self.admin_prof, true),
            ),
            (
                "professional inside scope (job centre, write)",
                self.staff(self.prof_inside, false),
            ),
            (
                "professional outside scope (school, write)",
                self.staff(self.prof_outside, false),
            ),
            (
                "professional read-only (job centre)",
                self.staff(self.prof_read_only, false),
            ),
            (
                "professional without department (write)",
                self.staff(self.prof_no_dept, false),
            ),
            (
                "young person (substantial)",
                self.citizen(self.young, Substantial),
            ),
            ("young person (high)", self.citizen(self.young, High)),
            ("young person (low)", self.citizen(self.young, Low)),
            (
                "custody-holding parent A (substantial)",
                self.citizen(self.parent_a, Substantial),
            ),
            (
                "custody-holding parent A (low)",
                self.citizen(self.parent_a, Low),
            ),
            (
                "custody-holding parent B, re-granted on the 18th birthday",
                self.citizen(self.parent_b, High),
            ),
            (
                "parent C without custody, 'granted' the day before 18",
                self.citizen(self.parent_c, Substantial),
            ),
            ("trusted adult", self.citizen(self.trusted, Substantial)),
            (
                "staff stranger, same municipality",
                self.staff(self.staff_stranger, false),
            ),
            (
                "admin of another municipality",
                Actor {
                    account: self.other_admin,
                    kind: ActorKind::Staff {
                        municipality: self.other,
                        is_admin: true,
                    },
                },
            ),
            (
                "the coordinator's account, as staff of another municipality",
                Actor {
                    account: self.coordinator,
                    kind: ActorKind::Staff {
                        municipality: self.other,
                        is_admin: true,
                    },
                },
            ),
            (
                "a participant's account (job centre), as staff of another municipality",
                Actor {
                    account: self.prof_inside,
                    kind: ActorKind::Staff {
                        municipality: self.other,
                        is_admin: false,
                    },
                },
            ),
            (
                "citizen stranger",
                self.citizen(self.citizen_stranger, Substantial),
            ),
        ]
    }

    fn actions(&self) -> Vec<(&'static str, Action)> {
        vec![
            ("CreateCase", Action::CreateCase),
            ("ViewCase", Action::ViewCase),
            ("ReadDocuments", Action::ReadDocuments),
            ("WriteDocuments", Action::WriteDocuments),
            ("DeleteDocument", Action::DeleteDocument),
            ("ManageParticipants", Action::ManageParticipants),
            ("RecordPaperConsent", Action::RecordPaperConsent),
            ("GiveOwnConsent", Action::GiveOwnConsent),
            (
                "WithdrawConsent(YoungPerson)",
                Action::WithdrawConsent(ConsentGiver::YoungPerson),
            ),
            (
                "WithdrawConsent(CustodyHolder(A))",
                Action::WithdrawConsent(ConsentGiver::CustodyHolder(self.p_a)),
            ),
            (
                "WithdrawConsent(CustodyHolder(B))",
                Action::WithdrawConsent(ConsentGiver::CustodyHolder(self.p_b)),
            ),
            (
                "WithdrawConsent(CustodyHolder(C))",
                Action::WithdrawConsent(ConsentGiver::CustodyHolder(self.p_c)),
            ),
            ("HandOverCoordinator", Action::HandOverCoordinator),
            ("CloseCase", Action::CloseCase),
            ("ReopenCase", Action::ReopenCase),
            ("ViewAccessLog", Action::ViewAccessLog),
            ("GrantParentAccess", Action::GrantParentAccess),
        ]
    }

    /// Replaces participant ids by names, so messages are readable.
    fn names(&self, text: String) -> String {
        let ids = [
            (self.p_young, "young"),
            (self.p_a, "A"),
            (self.p_b, "B"),
            (self.p_c, "C"),
            (self.p_admin_prof, "admin-prof"),
            (self.p_inside, "inside"),
            (self.p_outside, "outside"),
            (self.p_read_only, "read-only"),
            (self.p_no_dept, "no-dept"),
            (self.p_trusted, "trusted"),
            (self.p_invited, "invited"),
            (self.p_coordinator, "coordinator"),
            (self.p_unknown, "unknown"),
        ];
        ids.iter()
            .fold(text, |t, (id, name)| t.replace(&id.to_string(), name))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Custody holders A and B (and everyone else).
    TwoHolders,
    /// Only custody holder A; B is not on the case; the coordinator is also a (read-only,
    /// school) participant.
    OneHolder,
    /// No custody holders on the case.
    NoHolders,
}

const LAYOUTS: [Layout; 3] = [Layout::TwoHolders, Layout::OneHolder, Layout::NoHolders];

fn participant(id: ParticipantId, account: Option<AccountId>, role: Role) -> Participant {
    Participant {
        id,
        account,
        role,
        department: None,
        access: Access::Read,
        has_custody: false,
        adult_grant_on: None,
    }
}

fn professional(
    id: ParticipantId,
    account: AccountId,
    department: Option<Department>,
    access: Access,
) -> Participant {
    Participant {
        department,
        access,
        ..participant(id, Some(account), Role::Professional)
    }
}

fn participants(w: &World, layout: Layout, m: &Moment) -> Vec<Participant> {
    let mut list = vec![
        participant(w.p_young, Some(w.young), Role::YoungPerson),
        Participant {
            has_custody: true,
            ..participant(w.p_a, Some(w.parent_a), Role::Parent)
        },
        Participant {
            has_custody: true,
            adult_grant_on: Some(m.eighteenth),
            ..participant(w.p_b, Some(w.parent_b), Role::Parent)
        },
        Participant {
            adult_grant_on: Some(m.eighteenth.previous_day().unwrap()),
            ..participant(w.p_c, Some(w.parent_c), Role::Parent)
        },
        professional(
            w.p_admin_prof,
            w.admin_prof,
            Some(Department::JobCentre),
            Access::Write,
        ),
        professional(
            w.p_inside,
            w.prof_inside,
            Some(Department::JobCentre),
            Access::Write,
        ),
        professional(
            w.p_outside,
            w.prof_outside,
            Some(Department::School),
            Access::Write,
        ),
        professional(
            w.p_read_only,
            w.prof_read_only,
            Some(Department::JobCentre),
            Access::Read,
        ),
        professional(w.p_no_dept, w.prof_no_dept, None, Access::Write),
        participant(w.p_trusted, Some(w.trusted), Role::TrustedAdult),
        // Invited by CPR, not logged in yet; "custody" on a trusted adult makes no custody holder.
        Participant {
            has_custody: true,
            ..participant(w.p_invited, None, Role::TrustedAdult)
        },
    ];
    match layout {
        Layout::TwoHolders => {}
        Layout::OneHolder => {
            list.retain(|p| p.id != w.p_b);
            list.push(professional(
                w.p_coordinator,
                w.coordinator,
                Some(Department::School),
                Access::Read,
            ));
        }
        Layout::NoHolders => list.retain(|p| p.id != w.p_a && p.id != w.p_b),
    }
    list
}

// ---------------------------------------------------------------------------------------------
// Consent states.
// ---------------------------------------------------------------------------------------------

const SCOPE: [Department; 2] = [Department::ChildrenYouth, Department::JobCentre];

fn consent(giver: ConsentGiver, m: &Moment) -> Consent {
    Consent {
        giver,
        scope: SCOPE.to_vec(),
        valid_from: m.now - Duration::days(30),
        valid_until: None,
        withdrawn_at: None,
    }
}

type ConsentBuilder = fn(&World, &Moment) -> Vec<Consent>;

fn yp(m: &Moment) -> Consent {
    consent(ConsentGiver::YoungPerson, m)
}

fn holder(id: ParticipantId, m: &Moment) -> Consent {
    consent(ConsentGiver::CustodyHolder(id), m)
}

fn consent_states() -> Vec<(&'static str, ConsentBuilder)> {
    vec![
        ("no consents", |_, _| vec![]),
        ("young person only", |_, m| vec![yp(m)]),
        ("custody holders A and B only", |w, m| {
            vec![holder(w.p_a, m), holder(w.p_b, m)]
        }),
        ("young person, A and B", |w, m| {
            vec![yp(m), holder(w.p_a, m), holder(w.p_b, m)]
        }),
        ("young person's withdrawn an hour ago, A and B", |w, m| {
            vec![
                Consent {
                    withdrawn_at: Some(m.now - Duration::hours(1)),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person's withdrawn exactly now, A and B", |w, m| {
            vec![
                Consent {
                    withdrawn_at: Some(m.now),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person, A's withdrawn an hour ago, B", |w, m| {
            vec![
                yp(m),
                Consent {
                    withdrawn_at: Some(m.now - Duration::hours(1)),
                    ..holder(w.p_a, m)
                },
                holder(w.p_b, m),
            ]
        }),
        (
            "young person's expired yesterday (Copenhagen), A and B",
            |w, m| {
                vec![
                    Consent {
                        valid_until: Some(m.yesterday()),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person's valid until today (Copenhagen), A and B",
            |w, m| {
                vec![
                    Consent {
                        valid_until: Some(m.today),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A's expired yesterday (Copenhagen), B",
            |w, m| {
                vec![
                    yp(m),
                    Consent {
                        valid_until: Some(m.yesterday()),
                        ..holder(w.p_a, m)
                    },
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A's scope excludes the job centre (children/youth, school), B",
            |w, m| {
                vec![
                    yp(m),
                    Consent {
                        scope: vec![Department::ChildrenYouth, Department::School],
                        ..holder(w.p_a, m)
                    },
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A and B, every consent covering every department",
            |w, m| {
                [yp(m), holder(w.p_a, m), holder(w.p_b, m)]
                    .into_iter()
                    .map(|c| Consent {
                        scope: Department::ALL.to_vec(),
                        ..c
                    })
                    .collect()
            },
        ),
        (
            "young person's withdrawal scheduled in an hour, A and B",
            |w, m| {
                vec![
                    Consent {
                        withdrawn_at: Some(m.now + Duration::hours(1)),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        ("young person's starts in an hour, A and B", |w, m| {
            vec![
                Consent {
                    valid_from: m.now + Duration::hours(1),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person's starts exactly now, A and B", |w, m| {
            vec![
                Consent {
                    valid_from: m.now,
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person and A only (B has not consented)", |w, m| {
            vec![yp(m), holder(w.p_a, m)]
        }),
        ("young person and B only (A has not consented)", |w, m| {
            vec![yp(m), holder(w.p_b, m)]
        }),
        (
            "young person, plus an old withdrawn empty-scope one, A and B",
            |w, m| {
                vec![
                    Consent {
                        scope: vec![],
                        withdrawn_at: Some(m.now - Duration::days(10)),
                        ..yp(m)
                    },
                    yp(m),
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, parent C (no custody) and an unknown 'custody holder'",
            |w, m| vec![yp(m), holder(w.p_c, m), holder(w.p_unknown, m)],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// The oracle: the rules, stated again from the specification.
// ---------------------------------------------------------------------------------------------

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

fn oracle_sharing(case: &CaseFacts, rule: CustodyRule, m: &Moment) -> Sharing {
    let mut missing = Vec::new();
    let young_consented = case
        .consents
        .iter()
        .any(|c| c.giver == ConsentGiver::YoungPerson && oracle_active(c, m));
    if !young_consented {
        missing.push(Missing::ConsentYoungPerson);
    }
    if m.minor() {
        let holders: Vec<ParticipantId> = case
            .participants
            .iter()
            .filter(|p| p.role == Role::Parent && p.has_custody)
            .map(|p| p.id)
            .collect();
        let consented = |id: ParticipantId| {
            case.consents
                .iter()
                .any(|c| c.giver == ConsentGiver::CustodyHolder(id) && oracle_active(c, m))
        };
        match rule {
            CustodyRule::All => {
                for id in holders.iter().copied().filter(|id| !consented(*id)) {
                    missing.push(Missing::ConsentCustodyHolder {
                        participant_id: Some(id),
                    });
                }
            }
            CustodyRule::Any => {
                if !holders.is_empty() && !holders.iter().any(|id| consented(*id)) {
                    missing.push(Missing::ConsentCustodyHolder {
                        participant_id: None,
                    });
                }
            }
        }
    }
    Sharing {
        permitted: missing.is_empty(),
        missing,
    }
}

fn oracle_documents(case: &CaseFacts, me: &Participant, rule: CustodyRule, m: &Moment) -> Decision {
    let sharing = oracle_sharing(case, rule, m);
    if !sharing.permitted {
        return Decision::Deny(Reason::AwaitingConsent(sharing.missing));
    }
    if me.role == Role::Professional {
        for c in case.consents.iter().filter(|c| oracle_active(c, m)) {
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

fn oracle(
    actor: &Actor,
    action: Action,
    case: Option<&CaseFacts>,
    rule: CustodyRule,
    m: &Moment,
) -> Decision {
    use Action as A;
    use Decision::{Allow, Deny};

    let (staff_of, admin_flag) = match actor.kind {
        ActorKind::Staff {
            municipality,
            is_admin,
        } => (Some(municipality), is_admin),
        ActorKind::Citizen { .. } => (None, false),
    };
    if action == A::CreateCase {
        return if staff_of.is_some() {
            Allow
        } else {
            Deny(Reason::StaffOnly)
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

    let changes = !matches!(
        action,
        A::CreateCase | A::ViewCase | A::ReadDocuments | A::ViewAccessLog | A::ReopenCase
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
    let Some(me) = me else {
        return match (admin, action) {
            (true, A::ReadDocuments | A::WriteDocuments) => Deny(Reason::AdminNoDocuments),
            (true, _) => Deny(Reason::CoordinatorOnly),
            (false, _) => Deny(Reason::NotFound),
        };
    };

    if let ActorKind::Citizen { assurance } = actor.kind
        && matches!(assurance, AssuranceLevel::Low)
    {
        return Deny(Reason::AssuranceTooLow);
    }
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
        A::WithdrawConsent(ConsentGiver::YoungPerson) if me.role == Role::YoungPerson => Allow,
        A::WithdrawConsent(ConsentGiver::CustodyHolder(id)) if id == me.id => Allow,
        A::GrantParentAccess => {
            if me.role == Role::YoungPerson && !minor {
                Allow
            } else {
                Deny(Reason::NotAConsenter)
            }
        }
        A::ViewAccessLog if me.role == Role::YoungPerson => Allow,
        _ => Deny(Reason::CoordinatorOnly),
    }
}

// ---------------------------------------------------------------------------------------------
// The exhaustive comparison.
// ---------------------------------------------------------------------------------------------

fn case_facts(
    w: &World,
    layout: Layout,
    consents: Vec<Consent>,
    status: CaseStatus,
    m: &Moment,
) -> CaseFacts {
    CaseFacts {
        municipality: w.home,
        status,
        coordinator: w.coordinator,
        young_person_birth_date: m.birth,
        participants: participants(w, layout, m),
        consents,
    }
}

#[derive(Default)]
struct Disagreements {
    /// (actor, action, expected, got) → (how many combinations, the first one).
    groups: BTreeMap<String, (usize, String)>,
    total: usize,
}

impl Disagreements {
    fn add(&mut self, key: String, combination: String) {
        self.total += 1;
        self.groups.entry(key).or_insert((0, combination)).0 += 1;
    }

    fn report(&self) -> String {
        let mut out = format!(
            "{} disagreement(s) in {} group(s):\n",
            self.total,
            self.groups.len()
        );
        for (key, (count, first)) in &self.groups {
            out.push_str(&format!("- {key} [{count}x; e.g. {first}]\n"));
        }
        out
    }
}

#[test]
fn decide_agrees_with_the_oracle_everywhere() {
    let w = World::new();
    let actors = w.actors();
    let actions = w.actions();
    let rules = [CustodyRule::All, CustodyRule::Any];
    let statuses = [CaseStatus::Active, CaseStatus::Closed, CaseStatus::Erased];
    let mut checked = 0usize;
    let mut sharing_checked = 0usize;
    let mut allowed = 0usize;
    let mut wrong = Disagreements::default();
    let started = std::time::Instant::now();

    for m in &moments() {
        // No case at all.
        for rule in rules {
            for (actor_label, actor) in &actors {
                for (action_label, action) in &actions {
                    let expected = oracle(actor, *action, None, rule, m);
                    let got = decide(actor, *action, None, rule, m.now);
                    checked += 1;
                    if expected != got {
                        wrong.add(
                            w.names(format!("{actor_label} | {action_label} | expected {expected:?} | got {got:?}")),
                            format!("no case, rule {rule:?}, {}", m.label),
                        );
                    }
                }
            }
        }
        for layout in LAYOUTS {
            for (consents_label, build) in &consent_states() {
                for status in statuses {
                    let case = case_facts(&w, layout, build(&w, m), status, m);
                    for rule in rules {
                        let expected_sharing = oracle_sharing(&case, rule, m);
                        let got_sharing = sharing(&case, rule, m.now);
                        sharing_checked += 1;
                        if expected_sharing != got_sharing {
                            wrong.add(
                                w.names(format!(
                                    "sharing | rule {rule:?} | expected {expected_sharing:?} | got {got_sharing:?}"
                                )),
                                format!("{layout:?}, {status:?}, consents: {consents_label}; {}", m.label),
                            );
                        }
                        for (actor_label, actor) in &actors {
                            for (action_label, action) in &actions {
                                let expected = oracle(actor, *action, Some(&case), rule, m);
                                let got = decide(actor, *action, Some(&case), rule, m.now);
                                checked += 1;
                                allowed += usize::from(expected.is_allowed());
                                if expected != got {
                                    wrong.add(
                                        w.names(format!(
                                            "{actor_label} | {action_label} | expected {expected:?} | got {got:?}"
                                        )),
                                        format!(
                                            "{layout:?}, {status:?}, rule {rule:?}, consents: {consents_label}; {}",
                                            m.label
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    eprintln!(
        "policy: {checked} decisions ({allowed} allowed by the oracle) and {sharing_checked} sharings checked in {:?}",
        started.elapsed()
    );
    assert!(
        checked >= 100_000,
        "only {checked} combinations were checked"
    );
    assert!(
        sharing_checked >= 1_000,
        "only {sharing_checked} sharings were checked"
    );
    assert!(
        allowed >= 1_000 && allowed < checked / 2,
        "suspicious oracle: {allowed} of {checked} allowed"
    );
    assert!(
        wrong.total == 0,
        "decide disagrees with the oracle:\n{}",
        wrong.report()
    );
}

// ---------------------------------------------------------------------------------------------
// Headline cases, by name.
// ---------------------------------------------------------------------------------------------

fn headline_case(w: &World, m: &Moment, consents: Vec<Consent>) -> CaseFacts {
    case_facts(w, Layout::TwoHolders, consents, CaseStatus::Active, m)
}

fn moment(now: OffsetDateTime, today: Date, birth: Date, eighteenth: Date) -> Moment {
    Moment {
        label: "headline",
        now,
        today,
        birth,
        eighteenth,
    }
}

#[test]
fn hand_written_dates_are_copenhagens() {
    // The oracle never calls `age`; this only checks the inputs were worked out right.
    for m in moments() {
        assert_eq!(crate::clock::copenhagen_date(m.now), m.today, "{}", m.label);
        assert_eq!(age::birthday(m.birth, 18), m.eighteenth, "{}", m.label);
    }
}

#[test]
fn withdrawal_cuts_a_professional_off_at_once() {
    let w = World::new();
    let given = moment(
        datetime!(2025-10-01 10:00 UTC),
        date!(2025 - 10 - 01),
        date!(2008 - 01 - 15),
        date!(2026 - 01 - 15),
    );
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
            },
        },
        Actor {
            account: w.coordinator,
            kind: ActorKind::Staff {
                municipality: w.other,
                is_admin: true,
            },
        },
        Actor {
            account: w.prof_inside,
            kind: ActorKind::Staff {
                municipality: w.other,
                is_admin: false,
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

//! The cast: the accounts, the actors and actions tried, and the participants of each case
//! layout.

use super::moments::Moment;
use crate::domain::access::Access;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::case_status::CaseStatus;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, MunicipalityId, ParticipantId};
use crate::domain::role::Role;
use crate::policy::{Action, Actor, ActorKind, CaseFacts, Consent, ConsentGiver, Participant};

pub(super) struct World {
    pub(super) home: MunicipalityId,
    pub(super) other: MunicipalityId,
    pub(super) coordinator: AccountId,
    pub(super) admin: AccountId,
    pub(super) admin_prof: AccountId,
    pub(super) prof_inside: AccountId,
    pub(super) prof_outside: AccountId,
    pub(super) prof_read_only: AccountId,
    pub(super) prof_no_dept: AccountId,
    pub(super) young: AccountId,
    pub(super) parent_a: AccountId,
    pub(super) parent_b: AccountId,
    pub(super) parent_c: AccountId,
    pub(super) trusted: AccountId,
    pub(super) staff_stranger: AccountId,
    /// A children-and-youth caseworker with no part in the case (may create cases).
    pub(super) caseworker: AccountId,
    pub(super) citizen_stranger: AccountId,
    pub(super) other_admin: AccountId,
    pub(super) p_young: ParticipantId,
    pub(super) p_a: ParticipantId,
    pub(super) p_b: ParticipantId,
    pub(super) p_c: ParticipantId,
    pub(super) p_admin_prof: ParticipantId,
    pub(super) p_inside: ParticipantId,
    pub(super) p_outside: ParticipantId,
    pub(super) p_read_only: ParticipantId,
    pub(super) p_no_dept: ParticipantId,
    pub(super) p_trusted: ParticipantId,
    pub(super) p_invited: ParticipantId,
    pub(super) p_coordinator: ParticipantId,
    pub(super) p_unknown: ParticipantId,
}

impl World {
    pub(super) fn new() -> Self {
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
            caseworker: AccountId::new(),
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

    /// Staff of the home municipality; the coordinator and the caseworker stranger carry the
    /// flag that lets them create cases.
    pub(super) fn staff(&self, account: AccountId, is_admin: bool) -> Actor {
        Actor {
            account,
            kind: ActorKind::Staff {
                municipality: self.home,
                is_admin,
                may_create_cases: account == self.coordinator || account == self.caseworker,
            },
        }
    }

    pub(super) fn citizen(&self, account: AccountId, assurance: AssuranceLevel) -> Actor {
        Actor {
            account,
            kind: ActorKind::Citizen { assurance },
        }
    }

    pub(super) fn actors(&self) -> Vec<(&'static str, Actor)> {
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
                "caseworker stranger who may create cases",
                self.staff(self.caseworker, false),
            ),
            (
                "admin of another municipality",
                Actor {
                    account: self.other_admin,
                    kind: ActorKind::Staff {
                        municipality: self.other,
                        is_admin: true,
                        may_create_cases: true,
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
                        may_create_cases: true,
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
                        may_create_cases: false,
                    },
                },
            ),
            (
                "citizen stranger",
                self.citizen(self.citizen_stranger, Substantial),
            ),
        ]
    }

    pub(super) fn actions(&self) -> Vec<(&'static str, Action)> {
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
            ("ViewOwnConsents", Action::ViewOwnConsents),
            ("HandOverCoordinator", Action::HandOverCoordinator),
            ("CloseCase", Action::CloseCase),
            ("ReopenCase", Action::ReopenCase),
            ("ViewAccessLog", Action::ViewAccessLog),
            ("GrantParentAccess", Action::GrantParentAccess),
        ]
    }

    /// Replaces participant ids by names, so messages are readable.
    pub(super) fn names(&self, text: String) -> String {
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
pub(super) enum Layout {
    /// Custody holders A and B (and everyone else).
    TwoHolders,
    /// Only custody holder A; B is not on the case; the coordinator is also a (read-only,
    /// school) participant.
    OneHolder,
    /// No custody holders on the case.
    NoHolders,
    /// As `TwoHolders`, but the young person was removed from the case.
    YoungPersonRemoved,
    /// As `TwoHolders`, but custody holder A was removed from the case.
    HolderARemoved,
}

pub(super) const LAYOUTS: [Layout; 5] = [
    Layout::TwoHolders,
    Layout::OneHolder,
    Layout::NoHolders,
    Layout::YoungPersonRemoved,
    Layout::HolderARemoved,
];

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

/// The layout's participants on the case, and those removed from it.
fn participants(w: &World, layout: Layout, m: &Moment) -> (Vec<Participant>, Vec<Participant>) {
    let list = vec![
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
    let removed = match layout {
        Layout::YoungPersonRemoved => Some(w.p_young),
        Layout::HolderARemoved => Some(w.p_a),
        _ => None,
    };
    let (former, mut list): (Vec<_>, Vec<_>) =
        list.into_iter().partition(|p| Some(p.id) == removed);
    match layout {
        Layout::TwoHolders | Layout::YoungPersonRemoved | Layout::HolderARemoved => {}
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
    (list, former)
}

/// The case: `layout`'s participants in the home municipality, with `consents`.
pub(super) fn case_facts(
    w: &World,
    layout: Layout,
    consents: Vec<Consent>,
    status: CaseStatus,
    m: &Moment,
) -> CaseFacts {
    let (participants, former) = participants(w, layout, m);
    CaseFacts {
        municipality: w.home,
        status,
        coordinator: w.coordinator,
        young_person_birth_date: m.birth,
        participants,
        former,
        consents,
    }
}

//! Who may do what (DESIGN.md §3): one pure function, `decide`, that every handler asks. It gets
//! the facts (the actor, the case with its participants and consents, "now") and returns Allow or
//! Deny with a reason; it does no I/O and nothing it decides is cached beyond the request, so a
//! withdrawn consent takes effect on the very next request.
//!
//! The rules, in order:
//! 1. Tenancy: staff act only in their own municipality; elsewhere the case does not exist (404).
//! 2. The coordinator may do everything on the case, always; a closed case is read-only.
//! 3. Municipal admins manage participants and coordinators and read the access log of cases in
//!    their municipality (so do the young person and, while they have access, custody holders),
//!    but read no documents unless they are participants themselves.
//! 4. Anyone else must be a participant (else 404); citizens must have logged in at Substantial.
//! 5. A parent's access ends on the young person's 18th birthday unless the young adult granted
//!    it again on or after that day.
//! 6. Documents are shared only while sharing is permitted (`sharing`): the young person has an
//!    active consent and, while under 18, every custody holder on the case too (or any one, as
//!    configured); a professional's department must be inside every active consent's scope.
//! 7. Reading needs `read` or `write`; uploading needs `write` and an active case.
//! 8. The young person and custody holders (while the young person is under 18) give their own
//!    consent; a consent is withdrawn by its giver or the coordinator.
//! 9. Consent belongs to its giver: it counts for sharing only while its giver is on the case
//!    (`sharing::counts`), and its giver may always see and withdraw it, even after being removed
//!    from the case, after a parent's access ended at 18, or once the case is closed.
//! 10. Creating cases is for staff with `may_create_cases`. Nobody widens their own access: the
//!     routes that change who may read ask `grants::decide_grant`, which refuses a grant to the
//!     actor's own account or to a citizen identity they control (their own CPR number).

pub mod age;
pub mod grants;
mod reason;
mod sharing;
pub mod staff;

pub use reason::Reason;
pub use sharing::{Missing, Sharing, counts, is_active, sharing};

use crate::domain::access::Access;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, MunicipalityId, ParticipantId};
use crate::domain::role::Role;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Staff {
        municipality: MunicipalityId,
        is_admin: bool,
        /// The staff flag that lets a caseworker create cases (children and youth, adults).
        may_create_cases: bool,
    },
    Citizen {
        assurance: AssuranceLevel,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    pub kind: ActorKind,
}

/// A participant of the case as the policy sees it (removed participants are not facts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: ParticipantId,
    /// None while a citizen invited by CPR has not logged in yet.
    pub account: Option<AccountId>,
    pub role: Role,
    pub department: Option<Department>,
    pub access: Access,
    pub has_custody: bool,
    /// For a parent: the day the young adult (18 or over) granted access again.
    pub adult_grant_on: Option<Date>,
}

/// A parent's access ends on the young person's 18th birthday unless the young adult granted it
/// again on or after that day.
pub fn parent_access_ended(participant: &Participant, birth_date: Date, today: Date) -> bool {
    participant.role == Role::Parent
        && !age::is_minor(birth_date, today)
        && participant
            .adult_grant_on
            .is_none_or(|granted| granted < age::birthday(birth_date, age::ADULT_AGE))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentGiver {
    YoungPerson,
    CustodyHolder(ParticipantId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub giver: ConsentGiver,
    /// The departments that may exchange information.
    pub scope: Vec<Department>,
    pub valid_from: OffsetDateTime,
    /// The last day (Copenhagen) the consent covers.
    pub valid_until: Option<Date>,
    pub withdrawn_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub municipality: MunicipalityId,
    pub status: CaseStatus,
    pub coordinator: AccountId,
    pub young_person_birth_date: Date,
    pub participants: Vec<Participant>,
    /// Participants removed from the case: no part in it, but they may still see and withdraw
    /// the consents they gave.
    pub former: Vec<Participant>,
    pub consents: Vec<Consent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateCase,
    ViewCase,
    ReadDocuments,
    WriteDocuments,
    /// The coordinator's soft delete of a document (the versions stay).
    DeleteDocument,
    ManageParticipants,
    RecordPaperConsent,
    GiveOwnConsent,
    WithdrawConsent(ConsentGiver),
    /// See the consents one gave (also once removed from the case).
    ViewOwnConsents,
    HandOverCoordinator,
    CloseCase,
    ReopenCase,
    ViewAccessLog,
    GrantParentAccess,
}

impl Action {
    /// Actions that change the case, refused while it is closed (reopening aside; withdrawing a
    /// consent only narrows sharing, so a closed case never keeps its giver from it).
    fn changes_case(self) -> bool {
        !matches!(
            self,
            Self::ViewCase
                | Self::ReadDocuments
                | Self::ViewAccessLog
                | Self::ReopenCase
                | Self::CreateCase
                | Self::ViewOwnConsents
                | Self::WithdrawConsent(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(Reason),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allow)
    }
}

/// The one decision every access goes through.
pub fn decide(
    actor: &Actor,
    action: Action,
    case: Option<&CaseFacts>,
    rule: CustodyRule,
    now: OffsetDateTime,
) -> Decision {
    use Decision::{Allow, Deny};
    if action == Action::CreateCase {
        return match actor.kind {
            ActorKind::Staff {
                may_create_cases: true,
                ..
            } => Allow,
            ActorKind::Staff { .. } => Deny(Reason::MayNotCreateCases),
            ActorKind::Citizen { .. } => Deny(Reason::StaffOnly),
        };
    }
    let Some(case) = case.filter(|c| c.status != CaseStatus::Erased) else {
        return Deny(Reason::NotFound);
    };
    let me = case
        .participants
        .iter()
        .find(|p| p.account == Some(actor.account));
    let admin = match actor.kind {
        ActorKind::Staff { municipality, .. } if municipality != case.municipality => {
            return Deny(Reason::NotFound);
        }
        ActorKind::Staff { is_admin, .. } => is_admin,
        ActorKind::Citizen { .. } => false,
    };
    if action.changes_case() && case.status == CaseStatus::Closed {
        let may_see = actor.account == case.coordinator || admin || me.is_some();
        return Deny(if may_see {
            Reason::CaseClosed
        } else {
            Reason::NotFound
        });
    }

    if actor.account == case.coordinator {
        return match action {
            Action::GiveOwnConsent | Action::GrantParentAccess => Deny(Reason::NotAConsenter),
            _ => Allow,
        };
    }
    let admin_action = matches!(
        action,
        Action::ViewCase
            | Action::ManageParticipants
            | Action::HandOverCoordinator
            | Action::ViewAccessLog
    );
    if admin && admin_action {
        return Allow;
    }
    let no_part = || {
        Deny(match action {
            _ if !admin => Reason::NotFound,
            Action::ReadDocuments | Action::WriteDocuments => Reason::AdminNoDocuments,
            _ => Reason::CoordinatorOnly,
        })
    };
    let former = case.former.iter().any(|p| p.account == Some(actor.account));
    if me.is_none() && !former {
        return no_part();
    }
    if let ActorKind::Citizen { assurance } = actor.kind
        && assurance < AssuranceLevel::Substantial
    {
        return Deny(Reason::AssuranceTooLow);
    }
    // Consent belongs to its giver: seeing and withdrawing it outlives their part in the case.
    match action {
        Action::ViewOwnConsents => return Allow,
        Action::WithdrawConsent(giver) if gave(case, actor, giver) => return Allow,
        _ => {}
    }
    let Some(me) = me else {
        return no_part();
    };
    let today = crate::clock::copenhagen_date(now);
    let minor = age::is_minor(case.young_person_birth_date, today);
    if parent_access_ended(me, case.young_person_birth_date, today) {
        return Deny(Reason::ParentAccessEnded);
    }
    match action {
        Action::ViewCase => Allow,
        Action::ReadDocuments => documents(case, me, rule, now),
        Action::WriteDocuments if me.access != Access::Write => Deny(Reason::ReadOnly),
        Action::WriteDocuments => documents(case, me, rule, now),
        Action::GiveOwnConsent => match me.role {
            Role::YoungPerson => Allow,
            Role::Parent if me.has_custody && minor => Allow,
            _ => Deny(Reason::NotAConsenter),
        },
        Action::GrantParentAccess if me.role == Role::YoungPerson && !minor => Allow,
        Action::GrantParentAccess => Deny(Reason::NotAConsenter),
        Action::ViewAccessLog if me.role == Role::YoungPerson => Allow,
        // Custody holders while they have access (a parent's ends at 18, checked above).
        Action::ViewAccessLog if me.role == Role::Parent && me.has_custody => Allow,
        _ => Deny(Reason::CoordinatorOnly),
    }
}

/// Whether `actor` gave consents as `giver`: as the young person, or as this participant (now
/// or before being removed).
fn gave(case: &CaseFacts, actor: &Actor, giver: ConsentGiver) -> bool {
    case.participants
        .iter()
        .chain(&case.former)
        .filter(|p| p.account == Some(actor.account))
        .any(|p| match giver {
            ConsentGiver::YoungPerson => p.role == Role::YoungPerson,
            ConsentGiver::CustodyHolder(id) => p.id == id,
        })
}

/// Documents are shared only while sharing is permitted and, for a professional, their
/// department is inside every active consent's scope. Consent governs sharing with others: the
/// parties themselves (the young person, and a custody holder while the young person is a
/// minor) read their own papers whatever the consents say, so withdrawing never locks the
/// young person out of their own plan (they have a right of access to it anyway).
fn documents(
    case: &CaseFacts,
    me: &Participant,
    rule: CustodyRule,
    now: OffsetDateTime,
) -> Decision {
    if is_party(case, me, now) {
        return Decision::Allow;
    }
    let status = sharing(case, rule, now);
    if !status.permitted {
        return Decision::Deny(Reason::AwaitingConsent(status.missing));
    }
    if me.role == Role::Professional {
        let inside = |c: &&Consent| me.department.is_some_and(|d| c.scope.contains(&d));
        if !case
            .consents
            .iter()
            .filter(|c| counts(case, c, now))
            .all(|c| inside(&c))
        {
            return Decision::Deny(Reason::OutsideConsentScope);
        }
    }
    Decision::Allow
}

/// The young person, or a custody holder of a minor: those the papers are about or for.
pub fn is_party(case: &CaseFacts, me: &Participant, now: OffsetDateTime) -> bool {
    let minor = age::is_minor(
        case.young_person_birth_date,
        crate::clock::copenhagen_date(now),
    );
    match me.role {
        Role::YoungPerson => true,
        Role::Parent => me.has_custody && minor,
        _ => false,
    }
}

#[cfg(test)]
mod tests;

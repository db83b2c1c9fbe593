//! The separation-of-duties events that the audit trail (DESIGN.md §7) must keep: admin changes
//! to staff accounts, refused attempts to widen one's own access, and a case creation that met a
//! case held by someone else. Today they are `tracing` lines (target `vejviser::duty_log`); when
//! the audit trail lands, `record` is the one function that writes them into it.

use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId};
use crate::policy::Reason;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DutyEvent {
    /// An admin changed a staff member's account: `change` says what, e.g. `department=adult`.
    StaffChanged {
        admin: AccountId,
        staff: AccountId,
        change: String,
    },
    /// The policy refused a grant that would have widened the actor's own access.
    SelfGrantRefused {
        actor: AccountId,
        case: Option<CaseId>,
        reason: Reason,
    },
    /// A caseworker tried to create a case for a young person whose case they have no part in;
    /// they were told only the coordinator's department.
    CaseHeldElsewhere {
        actor: AccountId,
        case: CaseId,
        department: Department,
    },
}

/// Records one event (the audit trail's hook).
pub fn record(event: &DutyEvent) {
    match event {
        DutyEvent::StaffChanged {
            admin,
            staff,
            change,
        } => tracing::info!(%admin, %staff, %change, "staff account changed by an admin"),
        DutyEvent::SelfGrantRefused {
            actor,
            case,
            reason,
        } => tracing::warn!(%actor, case = ?case.map(|c| c.to_string()), reason = reason.code(),
            "refused: a grant to the actor's own access"),
        DutyEvent::CaseHeldElsewhere {
            actor,
            case,
            department,
        } => tracing::info!(%actor, %case, department = department.as_str(),
            "case creation met a case held elsewhere; the coordinator's department was named"),
    }
}

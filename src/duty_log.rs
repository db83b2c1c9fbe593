//! The separation-of-duties findings the audit trail (DESIGN.md §7) must keep beside the
//! policy's ordinary refusals: an attempt to widen one's own access, and a case creation that met
//! a case held by someone else. Each is a `tracing` line (target `vejviser::duty_log`) and a
//! `denied` row of the access log, so the young person and the admins see the attempt too.
//! (Admin changes to staff accounts are recorded by `staff::flags` in the change's transaction.)

use crate::app::App;
use crate::audit::{self, Event};
use crate::domain::audit_action::AuditAction;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::policy::{Actor, CaseFacts, Reason};
use crate::store::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DutyEvent {
    /// The policy refused a grant that would have widened the actor's own access.
    SelfGrantRefused(Reason),
    /// A caseworker tried to create a case for a young person whose case they have no part in;
    /// they were told only the coordinator's department.
    CaseHeldElsewhere(Department),
}

impl DutyEvent {
    /// The access log's reason code for the refusal.
    fn code(&self) -> &'static str {
        match self {
            Self::SelfGrantRefused(reason) => reason.code(),
            Self::CaseHeldElsewhere(_) => "case_held_elsewhere",
        }
    }
}

/// Records `event` of `actor`, on a case when there is one (its facts name the actor's part).
pub async fn record(
    state: &App,
    actor: &Actor,
    case: Option<(CaseId, &CaseFacts)>,
    event: &DutyEvent,
) -> StoreResult<()> {
    let case_id = case.map(|(id, _)| id.to_string());
    match event {
        DutyEvent::SelfGrantRefused(reason) => tracing::warn!(actor = %actor.account,
            case = ?case_id, reason = reason.code(), "refused: a grant to the actor's own access"),
        DutyEvent::CaseHeldElsewhere(department) => tracing::info!(actor = %actor.account,
            case = ?case_id, department = department.as_str(),
            "case creation met a case held elsewhere; the coordinator's department was named"),
    }
    let now = state.clock.now();
    let row = match case {
        Some((id, facts)) => Event::on_case(AuditAction::Denied, now, actor, id, facts),
        None => Event::new(AuditAction::Denied, now).by(actor),
    };
    audit::record_alone(&state.db, &row.denied(event.code())).await
}

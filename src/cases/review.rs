//! The periodic access review (issue #16): every `admin.access_review_months` the coordinator
//! goes through the case's team and keeps or removes each participant's access, in one decision
//! naming every participant but the young person (whose own case it is). Each decision is an
//! access-log row; removals take effect at once. An overdue review shows on the admin overview.

use super::{CaseError, CaseResult, authorize};
use crate::app::App;
use crate::audit;
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::{CaseId, ParticipantId};
use crate::domain::role::Role;
use crate::policy::{Action, Actor, Reason};
use crate::store::{cases, participants};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// What the coordinator decides for one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Keep,
    Remove,
}

/// Records the review of case `id`: `decisions` must name every current participant but the
/// young person, and nobody else. Only the case's coordinator reviews.
pub async fn review(
    state: &App,
    actor: &Actor,
    id: CaseId,
    decisions: &BTreeMap<ParticipantId, Decision>,
) -> CaseResult<()> {
    let case = authorize(state, actor, Action::ManageParticipants, id).await?;
    if case.facts.coordinator != actor.account {
        return Err(CaseError::Denied(Reason::CoordinatorOnly));
    }
    let reviewed: Vec<ParticipantId> = case
        .facts
        .participants
        .iter()
        .filter(|p| p.role != Role::YoungPerson)
        .map(|p| p.id)
        .collect();
    let named_all = reviewed.iter().all(|p| decisions.contains_key(p));
    let named_only_them = decisions.keys().all(|p| reviewed.contains(p));
    if !named_all || !named_only_them {
        return Err(CaseError::invalid(
            "decisions",
            "invalid.review.every_participant",
        ));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for (participant, decision) in decisions {
        let action = match decision {
            Decision::Keep => AuditAction::ConfirmAccess,
            Decision::Remove => {
                participants::remove(&mut tx, *participant, now).await?;
                AuditAction::RemoveParticipant
            }
        };
        let event = super::event(state, actor, action, &case).participant(*participant);
        audit::record(&mut tx, &event).await?;
    }
    cases::set_access_reviewed(&mut tx, id, now).await?;
    tx.commit().await?;
    tracing::info!(case = %id, participants = decisions.len(), "access reviewed");
    Ok(())
}

/// The review as the case page's form sends it: the participants to `keep` (ticked); every other
/// participant but the young person is removed.
pub async fn review_keeping(
    state: &App,
    actor: &Actor,
    id: CaseId,
    keep: &[ParticipantId],
) -> CaseResult<()> {
    let team = participants::for_case(&state.db, id).await?;
    let decisions = team
        .iter()
        .filter(|p| p.fact.role != Role::YoungPerson)
        .map(|p| {
            let decision = if keep.contains(&p.fact.id) {
                Decision::Keep
            } else {
                Decision::Remove
            };
            (p.fact.id, decision)
        })
        .collect();
    review(state, actor, id, &decisions).await
}

/// Reviews done before this moment are overdue (`months` calendar months before `now`).
pub fn due_before(now: OffsetDateTime, months: u32) -> OffsetDateTime {
    let months = i32::try_from(months).unwrap_or(i32::MAX);
    now.replace_date(super::view::shift_months(now.date(), -months))
}

#[cfg(test)]
mod tests {
    use super::due_before;
    use time::macros::datetime;

    #[test]
    fn a_review_is_due_calendar_months_later() {
        assert_eq!(
            due_before(datetime!(2026-12-03 08:00 UTC), 6),
            datetime!(2026-06-03 08:00 UTC)
        );
        assert_eq!(
            due_before(datetime!(2026-08-31 08:00 UTC), 6),
            datetime!(2026-02-28 08:00 UTC)
        );
    }
}

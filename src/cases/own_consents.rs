//! The consents a person gave on a case: theirs to see and withdraw even once they were removed
//! from it (policy rule 9, `Action::ViewOwnConsents`), when the case itself is out of their reach.

use super::view::{ConsentView, consent_view};
use super::{CaseResult, authorize};
use crate::app::App;
use crate::domain::ids::{CaseId, ParticipantId};
use crate::policy::{Action, Actor};

/// The consents the caller gave on the case (as any of their participations, now or before),
/// each with whether they may withdraw it now.
pub async fn mine(state: &App, actor: &Actor, id: CaseId) -> CaseResult<Vec<ConsentView>> {
    let case = authorize(state, actor, Action::ViewOwnConsents, id).await?;
    let mine: Vec<ParticipantId> = case
        .facts
        .participants
        .iter()
        .chain(&case.facts.former)
        .filter(|p| p.account == Some(actor.account))
        .map(|p| p.id)
        .collect();
    let now = state.clock.now();
    Ok(case
        .consents
        .iter()
        .filter(|c| mine.contains(&c.giver_participant_id))
        .map(|c| consent_view(state, actor, &case, c, now))
        .collect())
}

//! Finding staff of the caller's own municipality: to add a professional to a case or hand it
//! over, and the list on the admin page.

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::policy::staff::{StaffAction, decide_staff};
use crate::policy::{Actor, ActorKind, Decision, Reason};
use crate::store::accounts::{self, StaffListing};

/// Staff of the caller's own municipality (staff only).
pub async fn search(
    state: &App,
    actor: &Actor,
    query: Option<&str>,
) -> CaseResult<Vec<StaffListing>> {
    allowed(actor, StaffAction::Search)?;
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(CaseError::Denied(Reason::StaffOnly));
    };
    Ok(accounts::list_staff(
        &state.db,
        municipality,
        query.map(str::trim).filter(|q| !q.is_empty()),
    )
    .await?)
}

/// The admin page's list: admins only, then the same search.
pub async fn for_admin(state: &App, actor: &Actor, query: &str) -> CaseResult<Vec<StaffListing>> {
    allowed(actor, StaffAction::Administer)?;
    search(state, actor, Some(query)).await
}

/// The policy's answer to an action that concerns no one account (also for the admin's views of
/// the access log and of failed mail: `StaffAction::Administer`).
pub fn allowed(actor: &Actor, action: StaffAction) -> CaseResult<()> {
    match decide_staff(actor, action, None) {
        Decision::Allow => Ok(()),
        Decision::Deny(reason) => Err(CaseError::Denied(reason)),
    }
}

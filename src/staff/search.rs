//! Finding staff of the caller's own municipality: to add a professional to a case or hand it
//! over, and the list on the admin page.

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::policy::{ActorKind, Reason};
use crate::store::accounts::{self, StaffListing};

/// Staff of the caller's own municipality (staff only).
pub async fn search(
    state: &App,
    kind: &ActorKind,
    query: Option<&str>,
) -> CaseResult<Vec<StaffListing>> {
    let ActorKind::Staff { municipality, .. } = kind else {
        return Err(CaseError::Denied(Reason::StaffOnly));
    };
    Ok(accounts::list_staff(
        &state.db,
        *municipality,
        query.map(str::trim).filter(|q| !q.is_empty()),
    )
    .await?)
}

/// The admin page's list: admins only, then the same search.
pub async fn for_admin(
    state: &App,
    kind: &ActorKind,
    query: &str,
) -> CaseResult<Vec<StaffListing>> {
    require_admin(kind)?;
    search(state, kind, Some(query)).await
}

fn require_admin(kind: &ActorKind) -> CaseResult<()> {
    match kind {
        ActorKind::Staff { is_admin: true, .. } => Ok(()),
        _ => Err(CaseError::Denied(Reason::AdminOnly)),
    }
}

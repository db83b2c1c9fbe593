//! Municipal staff: search (to add a professional), and the admin's deactivation and flags.

use super::{CaseError, CaseResult};
use crate::app::App;
use crate::domain::ids::AccountId;
use crate::policy::{ActorKind, Reason};
use crate::store::accounts::{self, AccountKind, StaffListing};
use crate::store::sessions;

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

/// An admin deactivates, reactivates, or sets the admin flag of staff in their municipality.
/// Deactivation ends the person's sessions at once.
pub async fn set_flags(
    state: &App,
    kind: &ActorKind,
    me: AccountId,
    target: AccountId,
    is_active: Option<bool>,
    is_admin: Option<bool>,
) -> CaseResult<()> {
    let ActorKind::Staff {
        municipality,
        is_admin: true,
    } = kind
    else {
        return Err(CaseError::Denied(Reason::AdminOnly));
    };
    let account = match accounts::find(&state.db, target).await {
        Ok(a) if a.kind == AccountKind::Staff && a.municipality_id == Some(*municipality) => a,
        Ok(_) | Err(crate::store::StoreError::NotFound) => {
            return Err(CaseError::Denied(Reason::NotFound));
        }
        Err(e) => return Err(e.into()),
    };
    if account.id == me && (is_active == Some(false) || is_admin == Some(false)) {
        return Err(CaseError::invalid(
            "account_id",
            "an admin cannot deactivate or demote themselves",
            "en administrator kan ikke deaktivere sig selv eller fjerne sin egen administratorrolle",
        ));
    }
    accounts::set_staff_flags(&state.db, account.id, is_active, is_admin).await?;
    if is_active == Some(false) {
        sessions::delete_for_account(&state.db, account.id).await?;
    }
    tracing::info!(account = %account.id, ?is_active, ?is_admin, "staff flags changed");
    Ok(())
}

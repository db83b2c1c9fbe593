//! The admin's changes to a staff account of their municipality: deactivate or reactivate it, set
//! or clear its admin flag. The admin page's buttons name one change each (`FlagChange`).

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::domain::ids::AccountId;
use crate::policy::staff::{StaffAction, StaffTarget, decide_staff};
use crate::policy::{Actor, Decision};
use crate::store::StoreError;
use crate::store::accounts;
use crate::store::sessions;

/// One button on the admin page's staff table; its word is `deactivate`, `activate`,
/// `grant_admin` or `revoke_admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagChange {
    Deactivate,
    Activate,
    GrantAdmin,
    RevokeAdmin,
}

impl FlagChange {
    /// `(is_active, is_admin)` as `set_flags` takes them.
    pub fn flags(self) -> (Option<bool>, Option<bool>) {
        match self {
            Self::Deactivate => (Some(false), None),
            Self::Activate => (Some(true), None),
            Self::GrantAdmin => (None, Some(true)),
            Self::RevokeAdmin => (None, Some(false)),
        }
    }
}

/// An admin deactivates, reactivates, or sets the admin flag of staff in their municipality, as
/// the policy allows (`decide_staff`: never their own account). Deactivation ends the person's
/// sessions at once.
pub async fn set_flags(
    state: &App,
    actor: &Actor,
    target: AccountId,
    is_active: Option<bool>,
    is_admin: Option<bool>,
) -> CaseResult<()> {
    let account = match accounts::find(&state.db, target).await {
        Ok(account) => Some(account),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let facts = account.as_ref().map(|a| StaffTarget {
        account: a.id,
        municipality: a
            .municipality_id
            .filter(|_| a.kind == accounts::AccountKind::Staff),
    });
    let actions = [
        is_active.map(StaffAction::SetActive),
        is_admin.map(StaffAction::SetAdmin),
    ];
    for action in actions.into_iter().flatten() {
        if let Decision::Deny(reason) = decide_staff(actor, action, facts.as_ref()) {
            return Err(CaseError::Denied(reason));
        }
    }
    let Some(account) = account else {
        return Err(CaseError::Denied(crate::policy::Reason::NotFound));
    };
    let mut tx = state.db.begin().await?;
    accounts::set_staff_flags(&mut tx, account.id, is_active, is_admin).await?;
    tx.commit().await?;
    if is_active == Some(false) {
        sessions::delete_for_account(&state.db, account.id).await?;
    }
    tracing::info!(account = %account.id, ?is_active, ?is_admin, "staff flags changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FlagChange;

    /// A button's word as the page's form sends it.
    fn parse(word: &str) -> Option<FlagChange> {
        serde_json::from_value(serde_json::Value::String(word.to_owned())).ok()
    }

    #[test]
    fn each_button_changes_one_flag() {
        assert_eq!(
            parse("deactivate").map(FlagChange::flags),
            Some((Some(false), None))
        );
        assert_eq!(
            parse("activate").map(FlagChange::flags),
            Some((Some(true), None))
        );
        assert_eq!(
            parse("grant_admin").map(FlagChange::flags),
            Some((None, Some(true)))
        );
        assert_eq!(
            parse("revoke_admin").map(FlagChange::flags),
            Some((None, Some(false)))
        );
        assert_eq!(parse("delete"), None);
        assert_eq!(parse(""), None);
    }
}

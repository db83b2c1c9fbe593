//! The admin's changes to a staff account of their municipality: deactivate or reactivate it, set
//! or clear its admin flag. The admin page's buttons name one change each (`FlagChange`).

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::domain::ids::AccountId;
use crate::policy::{ActorKind, Reason};
use crate::store::accounts::{self, AccountKind};
use crate::store::sessions;

/// One button on the admin page's staff table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagChange {
    Deactivate,
    Activate,
    GrantAdmin,
    RevokeAdmin,
}

impl FlagChange {
    /// The button's word: `deactivate`, `activate`, `grant_admin` or `revoke_admin`.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "deactivate" => Some(Self::Deactivate),
            "activate" => Some(Self::Activate),
            "grant_admin" => Some(Self::GrantAdmin),
            "revoke_admin" => Some(Self::RevokeAdmin),
            _ => None,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::FlagChange;

    #[test]
    fn each_button_changes_one_flag() {
        assert_eq!(
            FlagChange::parse("deactivate").map(FlagChange::flags),
            Some((Some(false), None))
        );
        assert_eq!(
            FlagChange::parse("activate").map(FlagChange::flags),
            Some((Some(true), None))
        );
        assert_eq!(
            FlagChange::parse("grant_admin").map(FlagChange::flags),
            Some((None, Some(true)))
        );
        assert_eq!(
            FlagChange::parse("revoke_admin").map(FlagChange::flags),
            Some((None, Some(false)))
        );
        assert_eq!(FlagChange::parse("delete"), None);
        assert_eq!(FlagChange::parse(""), None);
    }
}

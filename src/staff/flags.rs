//! The admin's changes to a staff account of their municipality: deactivate or reactivate it, set
//! or clear its admin or case-creating flag, move it to another department. The admin page's
//! buttons name one change each (`FlagChange`). Every change is an access-log row written in its transaction.

use crate::app::App;
use crate::audit::{self, Event};
use crate::cases::{CaseError, CaseResult};
use crate::domain::audit_action::AuditAction;
use crate::domain::department::Department;
use crate::domain::ids::AccountId;
use crate::duty_log::{self, DutyEvent};
use crate::policy::staff::{StaffAction, StaffTarget, decide_staff};
use crate::policy::{Actor, Decision};
use crate::store::StoreError;
use crate::store::{accounts, cases};
use crate::store::{sessions, staff_duties};

/// What an admin changes on a staff account; `None` leaves a field as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StaffChange {
    pub is_active: Option<bool>,
    pub is_admin: Option<bool>,
    pub may_create_cases: Option<bool>,
    pub department: Option<Department>,
}

/// One button on the admin page's staff table; its word is `deactivate`, `activate`,
/// `grant_admin`, `revoke_admin`, `allow_creating_cases` or `deny_creating_cases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagChange {
    Deactivate,
    Activate,
    GrantAdmin,
    RevokeAdmin,
    AllowCreatingCases,
    DenyCreatingCases,
}

impl FlagChange {
    /// The change as `set_flags` takes it.
    pub fn change(self) -> StaffChange {
        let mut change = StaffChange::default();
        match self {
            Self::Deactivate => change.is_active = Some(false),
            Self::Activate => change.is_active = Some(true),
            Self::GrantAdmin => change.is_admin = Some(true),
            Self::RevokeAdmin => change.is_admin = Some(false),
            Self::AllowCreatingCases => change.may_create_cases = Some(true),
            Self::DenyCreatingCases => change.may_create_cases = Some(false),
        }
        change
    }
}

/// An admin deactivates, reactivates, sets the admin or case-creating flag of, or moves to another
/// department, staff in their municipality, as the policy allows (`decide_staff`: never their own
/// account). Deactivation ends the person's sessions at once, and is refused (409
/// `conflict.coordinates_cases`) while they coordinate a case; every change is recorded.
pub async fn set_flags(
    state: &App,
    actor: &Actor,
    target: AccountId,
    change: StaffChange,
) -> CaseResult<()> {
    let account = checked_change(state, actor, target, change).await?;
    let mut tx = state.db.begin().await?;
    accounts::set_staff_flags(&mut tx, account.id, change.is_active, change.is_admin).await?;
    if let Some(may) = change.may_create_cases {
        staff_duties::set_may_create_cases(&mut tx, account.id, may).await?;
    }
    if let Some(department) = change.department {
        staff_duties::set_department(&mut tx, account.id, department).await?;
    }
    let flags_changed = change.is_active.is_some()
        || change.is_admin.is_some()
        || change.may_create_cases.is_some();
    let actions = [
        (flags_changed, AuditAction::ChangeStaffFlags),
        (change.department.is_some(), AuditAction::ChangeDepartment),
    ];
    for (_, action) in actions.into_iter().filter(|(changed, _)| *changed) {
        let event = Event::new(action, state.clock.now())
            .by(actor)
            .account(account.id);
        audit::record(&mut tx, &event).await?;
    }
    tx.commit().await?;
    if change.is_active == Some(false) {
        sessions::delete_for_account(&state.db, account.id).await?;
    }
    tracing::info!(admin = %actor.account, staff = %account.id, change = %describe(change),
        "staff account changed by an admin");
    Ok(())
}

/// The staff account `target` once the policy allows every one of `actions` on it (for an
/// account that does not exist, or is not staff of the actor's municipality: NotFound). A
/// refusal of self-granting is recorded for the audit trail.
pub(super) async fn decided_target(
    state: &App,
    actor: &Actor,
    target: AccountId,
    actions: &[StaffAction],
) -> CaseResult<accounts::Account> {
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
    for action in actions {
        if let Decision::Deny(reason) = decide_staff(actor, *action, facts.as_ref()) {
            if reason.refuses_self_granting() {
                let event = DutyEvent::SelfGrantRefused(reason.clone());
                duty_log::record(state, actor, None, &event).await?;
            }
            return Err(CaseError::Denied(reason));
        }
    }
    account.ok_or(CaseError::Denied(crate::policy::Reason::NotFound))
}

/// The staff account `target` once `change` would pass: the policy for each part of it, and no
/// case left without a coordinator. Also for the page that asks an admin to confirm.
pub async fn checked_change(
    state: &App,
    actor: &Actor,
    target: AccountId,
    change: StaffChange,
) -> CaseResult<accounts::Account> {
    let actions = [
        change.is_active.map(StaffAction::SetActive),
        change.is_admin.map(StaffAction::SetAdmin),
        change.may_create_cases.map(StaffAction::SetMayCreateCases),
        change.department.map(|_| StaffAction::SetDepartment),
    ];
    let actions: Vec<_> = actions.into_iter().flatten().collect();
    let account = decided_target(state, actor, target, &actions).await?;
    // A case is never left without a coordinator: a coordinator's cases are handed over first.
    if change.is_active == Some(false)
        && cases::count_coordinated_by(&state.db, account.id).await? > 0
    {
        return Err(CaseError::conflict("conflict.coordinates_cases"));
    }
    Ok(account)
}

/// `is_active=false department=adult`: what changed, for the record.
fn describe(change: StaffChange) -> String {
    let flag = |name: &str, value: Option<bool>| value.map(|v| format!("{name}={v}"));
    [
        flag("is_active", change.is_active),
        flag("is_admin", change.is_admin),
        flag("may_create_cases", change.may_create_cases),
        change
            .department
            .map(|d| format!("department={}", d.as_str())),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{FlagChange, StaffChange};

    /// A button's word as the page's form sends it.
    fn parse(word: &str) -> Option<FlagChange> {
        serde_json::from_value(serde_json::Value::String(word.to_owned())).ok()
    }

    #[test]
    fn each_button_changes_one_flag() {
        let one = |word: &str| parse(word).map(FlagChange::change);
        let change = |f: fn(&mut StaffChange)| {
            let mut c = StaffChange::default();
            f(&mut c);
            Some(c)
        };
        assert_eq!(one("deactivate"), change(|c| c.is_active = Some(false)));
        assert_eq!(one("activate"), change(|c| c.is_active = Some(true)));
        assert_eq!(one("grant_admin"), change(|c| c.is_admin = Some(true)));
        assert_eq!(one("revoke_admin"), change(|c| c.is_admin = Some(false)));
        assert_eq!(
            one("allow_creating_cases"),
            change(|c| c.may_create_cases = Some(true))
        );
        assert_eq!(
            one("deny_creating_cases"),
            change(|c| c.may_create_cases = Some(false))
        );
        assert_eq!(parse("delete"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn the_record_says_what_changed() {
        let change = StaffChange {
            is_active: Some(false),
            department: Some(crate::domain::department::Department::Adult),
            ..StaffChange::default()
        };
        assert_eq!(super::describe(change), "is_active=false department=adult");
    }
}

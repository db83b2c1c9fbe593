//! A case's life after creation: handing the coordinator role to another staff member, closing
//! the case (it becomes read-only) and reopening it. Each asks the policy through `authorize`.

use super::{CaseError, CaseResult, LoadedCase, authorize, check_grant};
use crate::app::App;
use crate::audit;
use crate::domain::audit_action::AuditAction;
use crate::domain::case_status::CaseStatus;
use crate::domain::ids::{AccountId, CaseId};
use crate::policy::grants::{Grant, Grantee};
use crate::policy::{Action, Actor};
use crate::store::accounts::{self, AccountKind};
use crate::store::cases;
use sqlx::AnyConnection;

/// Hands the coordinator role to another active staff member of the same municipality: never to
/// the actor (an admin's hand-over names someone else; the policy's `SelfHandOver`).
pub async fn hand_over(state: &App, actor: &Actor, id: CaseId, to: AccountId) -> CaseResult<()> {
    let case = checked_hand_over(state, actor, id, to).await?;
    let mut tx = state.db.begin().await?;
    record_hand_over(state, &mut tx, actor, &case, to).await?;
    tx.commit().await?;
    tracing::info!(case = %id, "coordinator handed over");
    Ok(())
}

/// Everything a hand-over of case `id` to `to` must pass before it is written: the policy for
/// the actor and the grant, and `to` an active staff member of the case's municipality.
pub async fn checked_hand_over(
    state: &App,
    actor: &Actor,
    id: CaseId,
    to: AccountId,
) -> CaseResult<LoadedCase> {
    Ok(checked_with_successor(state, actor, id, to).await?.0)
}

/// The successor's name, when a hand-over of case `id` to `to` would pass: for the page that
/// asks the coordinator to confirm it.
pub async fn successor_name(
    state: &App,
    actor: &Actor,
    id: CaseId,
    to: AccountId,
) -> CaseResult<String> {
    Ok(checked_with_successor(state, actor, id, to).await?.1.name)
}

async fn checked_with_successor(
    state: &App,
    actor: &Actor,
    id: CaseId,
    to: AccountId,
) -> CaseResult<(LoadedCase, accounts::Account)> {
    let case = authorize(state, actor, Action::HandOverCoordinator, id).await?;
    let grantee = Grantee {
        account: Some(to),
        actors_own_cpr: false,
    };
    check_grant(state, actor, Grant::HandOver { to: grantee }, Some(&case)).await?;
    let target = accounts::find(&state.db, to).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => {
            CaseError::invalid("account_id", "invalid.account.no_such_staff")
        }
        other => other.into(),
    })?;
    if target.kind != AccountKind::Staff
        || target.municipality_id != Some(case.row.municipality_id)
        || !target.is_active
    {
        return Err(CaseError::invalid(
            "account_id",
            "invalid.account.not_active_staff",
        ));
    }
    Ok((case, target))
}

/// Writes a checked hand-over and its access-log row in the caller's transaction.
pub async fn record_hand_over(
    state: &App,
    conn: &mut AnyConnection,
    actor: &Actor,
    case: &LoadedCase,
    to: AccountId,
) -> CaseResult<()> {
    cases::set_coordinator(&mut *conn, case.row.id, to).await?;
    let event = super::event(state, actor, AuditAction::HandOver, case).account(to);
    audit::record(conn, &event).await?;
    Ok(())
}

/// Closes the case (`CaseStatus::Closed`) or reopens it (`Active`).
pub async fn set_status(
    state: &App,
    actor: &Actor,
    id: CaseId,
    status: CaseStatus,
) -> CaseResult<()> {
    let action = if status == CaseStatus::Closed {
        Action::CloseCase
    } else {
        Action::ReopenCase
    };
    let case = authorize(state, actor, action, id).await?;
    let mut tx = state.db.begin().await?;
    cases::set_status(&mut tx, id, status, state.clock.now()).await?;
    let done = if status == CaseStatus::Closed {
        AuditAction::CloseCase
    } else {
        AuditAction::ReopenCase
    };
    audit::record(&mut tx, &super::event(state, actor, done, &case)).await?;
    tx.commit().await?;
    Ok(())
}

//! Creating a case, handing it over, closing and reopening it.

use super::{CaseError, CaseResult, authorize};
use crate::app::App;
use crate::crypto::purpose::{LookupPurpose, SealPurpose};
use crate::crypto::seal;
use crate::domain::case_status::CaseStatus;
use crate::domain::cpr::Cpr;
use crate::domain::ids::{AccountId, CaseId};
use crate::domain::person_name::PersonName;
use crate::policy::{self, Action, Actor, ActorKind, Decision};
use crate::store::accounts::{self, AccountKind};
use crate::store::cases::{self, NewCase};

pub struct CaseInput<'a> {
    pub cpr: &'a str,
    pub name: &'a str,
    pub placement: Option<&'a str>,
}

pub async fn create(state: &App, actor: &Actor, input: CaseInput<'_>) -> CaseResult<CaseId> {
    if let Decision::Deny(reason) = policy::decide(
        actor,
        Action::CreateCase,
        None,
        state.settings.consent.custody_rule,
        state.clock.now(),
    ) {
        return Err(CaseError::Denied(reason));
    }
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(CaseError::Denied(policy::Reason::StaffOnly));
    };
    let cpr = Cpr::parse(input.cpr)
        .map_err(|e| CaseError::invalid("young_person.cpr", &e, e.danish()))?;
    let name = PersonName::parse(input.name)
        .map_err(|e| CaseError::invalid("young_person.name", &e, e.danish()))?;
    let placement = input.placement.map(str::trim).filter(|p| !p.is_empty());
    if placement.is_some_and(|p| p.chars().count() > 200 || p.chars().any(char::is_control)) {
        return Err(CaseError::invalid(
            "placement",
            "the placement can be at most 200 characters, without control characters",
            "anbringelsesstedet kan højst have 200 tegn og ingen kontroltegn",
        ));
    }
    let cpr_hash = state.lookup.hash(LookupPurpose::Cpr, &cpr.compact());
    if !cases::search(&state.db, municipality, None, None, Some(&cpr_hash))
        .await?
        .is_empty()
    {
        return Err(CaseError::conflict(
            "This municipality already has a case for this young person.",
            "Kommunen har allerede en sag for den unge.",
        ));
    }
    let cpr_sealed = seal::seal(&state.keys, SealPurpose::CaseCpr, cpr.compact().as_bytes())
        .map_err(|e| CaseError::Internal(e.to_string()))?;
    let new = NewCase {
        municipality_id: municipality,
        young_person_name: name.as_str().to_owned(),
        cpr_hash,
        cpr_sealed,
        birth_date: cpr.birth_date(),
        coordinator: actor.account,
        placement: placement.map(str::to_owned),
    };
    let id = cases::create(&state.db, &new, state.clock.now()).await?;
    tracing::info!(case = %id, "case created");
    Ok(id)
}

/// Hands the coordinator role to another active staff member of the same municipality.
pub async fn hand_over(state: &App, actor: &Actor, id: CaseId, to: AccountId) -> CaseResult<()> {
    let case = authorize(state, actor, Action::HandOverCoordinator, id).await?;
    let target = accounts::find(&state.db, to).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => CaseError::invalid(
            "account_id",
            "no such staff member",
            "medarbejderen findes ikke",
        ),
        other => other.into(),
    })?;
    if target.kind != AccountKind::Staff
        || target.municipality_id != Some(case.row.municipality_id)
        || !target.is_active
    {
        return Err(CaseError::invalid(
            "account_id",
            "the new coordinator must be active staff of the same municipality",
            "den nye koordinator skal være aktiv medarbejder i samme kommune",
        ));
    }
    cases::set_coordinator(&state.db, id, to).await?;
    tracing::info!(case = %id, "coordinator handed over");
    Ok(())
}

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
    authorize(state, actor, action, id).await?;
    cases::set_status(&state.db, id, status, state.clock.now()).await?;
    Ok(())
}

//! Creating a case: the caller (staff) becomes its coordinator. What happens to a case afterwards
//! (hand-over, closing, reopening) is in `lifecycle`.

use super::{CaseError, CaseResult};
use crate::app::App;
use crate::crypto::purpose::{LookupPurpose, SealPurpose};
use crate::crypto::seal;
use crate::domain::cpr::Cpr;
use crate::domain::ids::CaseId;
use crate::domain::person_name::PersonName;
use crate::error::Arg;
use crate::policy::{self, Action, Actor, ActorKind, Decision};
use crate::store::cases::{self, NewCase};

/// The longest placement text.
pub const MAX_PLACEMENT_CHARS: usize = 200;

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
    let cpr = Cpr::parse(input.cpr).map_err(|e| CaseError::rejected("young_person.cpr", &e))?;
    let name =
        PersonName::parse(input.name).map_err(|e| CaseError::rejected("young_person.name", &e))?;
    let placement = input.placement.map(str::trim).filter(|p| !p.is_empty());
    if placement
        .is_some_and(|p| p.chars().count() > MAX_PLACEMENT_CHARS || p.chars().any(char::is_control))
    {
        return Err(CaseError::invalid_with(
            "placement",
            "invalid.placement",
            vec![("max", Arg::Number(MAX_PLACEMENT_CHARS as i64))],
        ));
    }
    let cpr_hash = state.lookup.hash(LookupPurpose::Cpr, &cpr.compact());
    if !cases::search(&state.db, municipality, None, None, Some(&cpr_hash))
        .await?
        .is_empty()
    {
        return Err(CaseError::conflict("conflict.case_exists"));
    }
    let cpr_sealed = seal::seal(&state.keys, SealPurpose::CaseCpr, cpr.compact().as_bytes())?;
    let new = NewCase {
        municipality_id: municipality,
        young_person_name: name.as_str().to_owned(),
        cpr_hash,
        cpr_sealed,
        birth_date: cpr.birth_date(),
        coordinator: actor.account,
        placement: placement.map(str::to_owned),
    };
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &new, state.clock.now()).await?;
    tx.commit().await?;
    tracing::info!(case = %id, "case created");
    Ok(id)
}

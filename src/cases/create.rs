//! Creating a case: the caller (staff) becomes its coordinator. What happens to a case afterwards
//! (hand-over, closing, reopening) is in `lifecycle`.

use super::{CaseError, CaseResult, check_grant, own_cpr_hash};
use crate::app::App;
use crate::crypto::purpose::{LookupPurpose, SealPurpose};
use crate::crypto::seal;
use crate::domain::cpr::Cpr;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::domain::person_name::PersonName;
use crate::duty_log::{self, DutyEvent};
use crate::error::Arg;
use crate::policy::grants::{Grant, Grantee};
use crate::policy::{self, Action, Actor, ActorKind, Decision};
use crate::store::cases::{self, NewCase};
use crate::store::{StoreError, staff_duties};

/// The longest placement text.
pub const MAX_PLACEMENT_CHARS: usize = 200;

pub struct CaseInput<'a> {
    pub cpr: &'a str,
    pub name: &'a str,
    pub placement: Option<&'a str>,
}

/// Creates the case, as the policy allows (`may_create_cases`, never about one's own CPR number).
/// A young person who already has a case in the municipality: a caller with a part in it is told
/// so (409 `case_exists`); anyone else gets the neutral answer naming the coordinator's
/// department (409 `case_elsewhere`), recorded for the audit trail.
pub async fn create(state: &App, actor: &Actor, input: CaseInput<'_>) -> CaseResult<CaseId> {
    // Refused before the CPR number is looked at, so nobody without the flag can probe for cases.
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
    let young_person = Grantee {
        account: None,
        actors_own_cpr: own_cpr_hash(state, actor).await?.as_deref() == Some(cpr_hash.as_str()),
    };
    check_grant(state, actor, Grant::CreateCase { young_person }, None).await?;
    if let Some(existing) = cases::search(&state.db, municipality, None, None, Some(&cpr_hash))
        .await?
        .first()
    {
        return Err(held(state, actor, *existing).await);
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

/// What a caller creating a case for a young person who already has one is told.
async fn held(state: &App, actor: &Actor, existing: CaseId) -> CaseError {
    let answer = async {
        let Some((row, facts, _, _)) = cases::load(&state.db, existing).await? else {
            return Ok(CaseError::conflict("conflict.case_exists"));
        };
        let may_see = policy::decide(
            actor,
            Action::ViewCase,
            Some(&facts),
            state.settings.consent.custody_rule,
            state.clock.now(),
        );
        if may_see.is_allowed() {
            return Ok(CaseError::conflict("conflict.case_exists"));
        }
        let department = staff_duties::department_of(&state.db, row.coordinator_id)
            .await?
            .unwrap_or(Department::ChildrenYouth);
        let event = DutyEvent::CaseHeldElsewhere(department);
        duty_log::record(state, actor, Some((existing, &facts)), &event).await?;
        Ok(CaseError::HeldElsewhere(department))
    };
    answer.await.unwrap_or_else(|e: StoreError| e.into())
}

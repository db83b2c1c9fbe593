//! A leaver (issue #16): an admin deactivates a staff member and, in the same transaction, hands
//! each case they coordinate to a successor, ends every participation they have and every
//! session they hold. Nothing is left without a coordinator: either all of it happens or none.
//! Each hand-over goes through the same checks as one made on the case page (never to the admin
//! themselves, only to active staff of the municipality), and each change is an access-log row.

use crate::app::App;
use crate::audit::{self, Event};
use crate::cases::lifecycle::{checked_hand_over, record_hand_over};
use crate::cases::{CaseError, CaseResult, LoadedCase};
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::{AccountId, CaseId};
use crate::policy::staff::StaffAction;
use crate::policy::{Actor, Reason};
use crate::store::{accounts, cases, participants, sessions};
use std::collections::BTreeMap;

/// Who takes over the leaver's cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Successors {
    /// One staff member for every case.
    One(AccountId),
    /// A staff member per case; every case the leaver coordinates must be named.
    PerCase(BTreeMap<CaseId, AccountId>),
}

/// What an offboarding changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Offboarded {
    /// Each case handed over, and to whom.
    pub handed_over: Vec<HandedOver>,
    /// Participations ended (the leaver's place on other cases' teams).
    pub participations_ended: usize,
    /// Sessions ended at once.
    pub sessions_ended: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct HandedOver {
    pub case_id: CaseId,
    pub to: AccountId,
}

/// Deactivates `leaver`, handing their cases to `successors` (None when they coordinate none).
pub async fn offboard(
    state: &App,
    actor: &Actor,
    leaver: AccountId,
    successors: Option<Successors>,
) -> CaseResult<Offboarded> {
    super::flags::decided_target(state, actor, leaver, &[StaffAction::SetActive(false)]).await?;
    let coordinated = cases::ids_coordinated_by(&state.db, leaver).await?;
    let plan = hand_over_plan(&coordinated, leaver, successors.as_ref())?;
    let mut checked = Vec::with_capacity(plan.len());
    for (case, to) in plan {
        checked.push((checked_hand_over(state, actor, case, to).await?, to));
    }
    let mut teams = Vec::new();
    for (case, participant) in participants::active_for_account(&state.db, leaver).await? {
        teams.push((loaded(state, case).await?, participant));
    }

    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for (case, to) in &checked {
        record_hand_over(state, &mut tx, actor, case, *to).await?;
    }
    for (case, participant) in &teams {
        participants::remove(&mut tx, *participant, now).await?;
        let event = crate::cases::event(state, actor, AuditAction::RemoveParticipant, case)
            .participant(*participant);
        audit::record(&mut tx, &event).await?;
    }
    // A case made or handed to the leaver meanwhile would be left without a coordinator.
    if cases::count_coordinated_by_in(&mut tx, leaver).await? > 0 {
        return Err(CaseError::conflict("conflict.coordinates_cases"));
    }
    accounts::set_staff_flags(&mut tx, leaver, Some(false), None).await?;
    let event = Event::new(AuditAction::ChangeStaffFlags, now)
        .by(actor)
        .account(leaver);
    audit::record(&mut tx, &event).await?;
    let sessions_ended = sessions::delete_for_account_in(&mut tx, leaver).await?;
    tx.commit().await?;
    tracing::info!(admin = %actor.account, leaver = %leaver, cases = checked.len(),
        participations = teams.len(), "staff member offboarded");
    Ok(Offboarded {
        handed_over: checked
            .iter()
            .map(|(case, to)| HandedOver {
                case_id: case.row.id,
                to: *to,
            })
            .collect(),
        participations_ended: teams.len(),
        sessions_ended,
    })
}

/// Each coordinated case with its successor; refuses a missing, extra or self-naming choice.
fn hand_over_plan(
    coordinated: &[CaseId],
    leaver: AccountId,
    successors: Option<&Successors>,
) -> CaseResult<Vec<(CaseId, AccountId)>> {
    let field = "hand_over_to";
    if let Some(Successors::PerCase(map)) = successors
        && map.keys().any(|case| !coordinated.contains(case))
    {
        return Err(CaseError::invalid(field, "invalid.offboard.not_their_case"));
    }
    coordinated
        .iter()
        .map(|case| {
            let to = match successors {
                Some(Successors::One(to)) => Some(*to),
                Some(Successors::PerCase(map)) => map.get(case).copied(),
                None => None,
            };
            match to {
                None => Err(CaseError::invalid(
                    field,
                    "invalid.offboard.successor_missing",
                )),
                Some(to) if to == leaver => Err(CaseError::invalid(
                    field,
                    "invalid.offboard.successor_is_leaver",
                )),
                Some(to) => Ok((*case, to)),
            }
        })
        .collect()
}

async fn loaded(state: &App, id: CaseId) -> CaseResult<LoadedCase> {
    let (row, facts, participants, consents) = cases::load(&state.db, id)
        .await?
        .ok_or(CaseError::Denied(Reason::NotFound))?;
    Ok(LoadedCase {
        row,
        facts,
        participants,
        consents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_needs_a_successor_other_than_the_leaver() {
        let (a, b) = (CaseId::new(), CaseId::new());
        let (leaver, kim, ole) = (AccountId::new(), AccountId::new(), AccountId::new());
        let key = |r: CaseResult<Vec<(CaseId, AccountId)>>| match r {
            Err(CaseError::Invalid { key, .. }) => key,
            other => panic!("{other:?}"),
        };
        assert_eq!(hand_over_plan(&[], leaver, None).unwrap(), vec![]);
        assert_eq!(
            hand_over_plan(&[a, b], leaver, Some(&Successors::One(kim))).unwrap(),
            vec![(a, kim), (b, kim)]
        );
        let per_case = Successors::PerCase(BTreeMap::from([(a, kim), (b, ole)]));
        assert_eq!(
            hand_over_plan(&[a, b], leaver, Some(&per_case)).unwrap(),
            vec![(a, kim), (b, ole)]
        );
        assert_eq!(
            key(hand_over_plan(&[a], leaver, None)),
            "invalid.offboard.successor_missing"
        );
        let half = Successors::PerCase(BTreeMap::from([(a, kim)]));
        assert_eq!(
            key(hand_over_plan(&[a, b], leaver, Some(&half))),
            "invalid.offboard.successor_missing"
        );
        assert_eq!(
            key(hand_over_plan(&[a], leaver, Some(&Successors::One(leaver)))),
            "invalid.offboard.successor_is_leaver"
        );
        let extra = Successors::PerCase(BTreeMap::from([(a, kim), (b, kim)]));
        assert_eq!(
            key(hand_over_plan(&[a], leaver, Some(&extra))),
            "invalid.offboard.not_their_case"
        );
    }
}

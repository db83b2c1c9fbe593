//! The team around the young person: adding, changing and removing participants.

use super::{CaseError, CaseResult, authorize, check_grant, own_cpr_hash};
use crate::app::App;
use crate::audit;
use crate::crypto::purpose::LookupPurpose;
use crate::domain::access::Access;
use crate::domain::audit_action::AuditAction;
use crate::domain::cpr::Cpr;
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::ids::{AccountId, CaseId, ParticipantId};
use crate::domain::notice_event::NoticeEvent;
use crate::domain::person_name::PersonName;
use crate::domain::role::Role;
use crate::notify::enqueue::{self, ToParticipant};
use crate::policy::grants::{Grant, Grantee};
use crate::policy::{Action, Actor};
use crate::store::StoreError;
use crate::store::accounts::{self, AccountKind};
use crate::store::participants::{self, NewParticipant};

/// A participant as the coordinator describes them (already parsed from the request).
pub struct ParticipantInput<'a> {
    pub role: Role,
    pub access: Access,
    pub account_id: Option<AccountId>,
    pub cpr: Option<&'a str>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub department: Option<Department>,
    pub has_custody: Option<bool>,
}

pub async fn add(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    input: ParticipantInput<'_>,
) -> CaseResult<ParticipantId> {
    let case = authorize(state, actor, Action::ManageParticipants, case_id).await?;
    let mut new = NewParticipant {
        case_id,
        account: None,
        invited_cpr_hash: None,
        invited_name: None,
        invited_email: None,
        role: input.role,
        department: None,
        has_custody: false,
        access: input.access,
        added_by: actor.account,
    };
    if input.has_custody.is_some() && input.role != Role::Parent {
        return Err(CaseError::invalid(
            "has_custody",
            "invalid.custody.parent_only",
        ));
    }
    match input.role {
        Role::Professional => {
            let id = input.account_id.ok_or_else(|| {
                CaseError::invalid("account_id", "invalid.account.professional_by_account")
            })?;
            let staff = match accounts::find(&state.db, id).await {
                Ok(staff)
                    if staff.kind == AccountKind::Staff
                        && staff.municipality_id == Some(case.row.municipality_id)
                        && staff.is_active =>
                {
                    staff
                }
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(CaseError::invalid(
                        "account_id",
                        "invalid.account.no_active_staff",
                    ));
                }
                Err(other) => return Err(other.into()),
            };
            let grantee = Grantee {
                account: Some(staff.id),
                actors_own_cpr: false,
            };
            check_grant(state, actor, Grant::AddParticipant { grantee }, Some(&case)).await?;
            if staff.id == case.row.coordinator_id {
                return Err(CaseError::conflict("conflict.coordinator_has_access"));
            }
            // The department is the staff account's (the policy reads it from there, too); a
            // request naming another is refused rather than quietly corrected.
            let own_department = accounts::find_staff_department(&state.db, staff.id).await?;
            if input.department.is_some_and(|d| d != own_department) {
                return Err(CaseError::invalid(
                    "department",
                    "invalid.department.from_staff_account",
                ));
            }
            new.account = Some(staff.id);
            new.department = Some(own_department);
        }
        Role::YoungPerson | Role::Parent | Role::TrustedAdult => {
            if input.account_id.is_some() {
                return Err(CaseError::invalid(
                    "account_id",
                    "invalid.account.citizen_by_cpr",
                ));
            }
            if input.department.is_some() {
                return Err(CaseError::invalid(
                    "department",
                    "invalid.department.professionals_only",
                ));
            }
            let cpr = Cpr::parse(
                input
                    .cpr
                    .ok_or_else(|| CaseError::invalid("cpr", "invalid.cpr.required"))?,
            )
            .map_err(|e| CaseError::rejected("cpr", &e))?;
            let name = PersonName::parse(input.name.unwrap_or_default())
                .map_err(|e| CaseError::rejected("name", &e))?;
            let email = input
                .email
                .filter(|e| !e.trim().is_empty())
                .map(Email::parse)
                .transpose()
                .map_err(|e| CaseError::rejected("email", &e))?;
            let cpr_hash = state.lookup.hash(LookupPurpose::Cpr, &cpr.compact());
            let account = accounts::find_citizen_by_cpr_hash(&state.db, &cpr_hash)
                .await?
                .map(|a| a.id);
            let grantee = Grantee {
                account,
                actors_own_cpr: own_cpr_hash(state, actor).await?.as_deref()
                    == Some(cpr_hash.as_str()),
            };
            check_grant(state, actor, Grant::AddParticipant { grantee }, Some(&case)).await?;
            let is_the_young_person = cpr_hash == case.row.young_person_cpr_hash;
            if (input.role == Role::YoungPerson) != is_the_young_person {
                return Err(if is_the_young_person {
                    CaseError::invalid("cpr", "invalid.cpr.is_young_person")
                } else {
                    CaseError::invalid("cpr", "invalid.cpr.not_young_person")
                });
            }
            if case
                .participants
                .iter()
                .any(|p| p.invited_cpr_hash.as_deref() == Some(cpr_hash.as_str()))
            {
                return Err(CaseError::conflict("conflict.already_participant"));
            }
            new.account = account;
            new.invited_cpr_hash = Some(cpr_hash);
            new.invited_name = Some(name.as_str().to_owned());
            new.invited_email = email.map(|e| e.as_str().to_owned());
            new.has_custody = input.role == Role::Parent && input.has_custody.unwrap_or(false);
        }
    }
    if new.account.is_some()
        && case
            .participants
            .iter()
            .any(|p| p.fact.account == new.account)
    {
        return Err(CaseError::conflict("conflict.already_participant"));
    }
    let mut tx = state.db.begin().await?;
    let id = participants::insert(&mut tx, &new, state.clock.now()).await?;
    let to = ToParticipant::new(case_id, new.account, new.access, actor.account);
    enqueue::participant_changed(state, &mut tx, NoticeEvent::ParticipantAdded, to).await?;
    let event = super::event(state, actor, AuditAction::AddParticipant, &case).participant(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(case = %case_id, participant = %id, "participant added");
    Ok(id)
}

fn find_participant(
    case: &super::LoadedCase,
    id: ParticipantId,
) -> CaseResult<&participants::ParticipantRow> {
    case.participants
        .iter()
        .find(|p| p.fact.id == id)
        .ok_or(CaseError::Denied(crate::policy::Reason::NotFound))
}

pub async fn set_access(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    id: ParticipantId,
    access: Access,
) -> CaseResult<()> {
    let case = authorize(state, actor, Action::ManageParticipants, case_id).await?;
    let account = find_participant(&case, id)?.fact.account;
    check_grant(
        state,
        actor,
        Grant::SetAccess { participant: id },
        Some(&case),
    )
    .await?;
    let mut tx = state.db.begin().await?;
    participants::set_access(&mut tx, id, access).await?;
    let to = ToParticipant::new(case_id, account, access, actor.account);
    enqueue::participant_changed(state, &mut tx, NoticeEvent::AccessChanged, to).await?;
    let event = super::event(state, actor, AuditAction::ChangeAccess, &case).participant(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    id: ParticipantId,
) -> CaseResult<()> {
    let case = authorize(state, actor, Action::ManageParticipants, case_id).await?;
    find_participant(&case, id)?;
    let mut tx = state.db.begin().await?;
    participants::remove(&mut tx, id, state.clock.now()).await?;
    let event = super::event(state, actor, AuditAction::RemoveParticipant, &case).participant(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(case = %case_id, participant = %id, "participant removed");
    Ok(())
}

/// The young adult (18 or over) gives a parent access again.
pub async fn grant_parent_access(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    id: ParticipantId,
) -> CaseResult<()> {
    let case = authorize(state, actor, Action::GrantParentAccess, case_id).await?;
    check_grant(
        state,
        actor,
        Grant::AdultGrant { participant: id },
        Some(&case),
    )
    .await?;
    let parent = find_participant(&case, id)?;
    if parent.fact.role != Role::Parent {
        return Err(CaseError::invalid(
            "participant_id",
            "invalid.participant.parent_only",
        ));
    }
    let today = crate::clock::copenhagen_date(state.clock.now());
    let mut tx = state.db.begin().await?;
    participants::set_adult_grant(&mut tx, id, today).await?;
    let to = ToParticipant::new(
        case_id,
        parent.fact.account,
        parent.fact.access,
        actor.account,
    );
    enqueue::participant_changed(state, &mut tx, NoticeEvent::AccessChanged, to).await?;
    let event = super::event(state, actor, AuditAction::GrantParentAccess, &case).participant(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

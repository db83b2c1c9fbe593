//! Consents: a citizen gives their own (logged in at Substantial), the coordinator records a
//! paper declaration on someone's behalf, and either withdraws. Never edited, never deleted.

use super::{CaseError, CaseResult, authorize, check_grant, own_cpr_hash};
use crate::app::App;
use crate::audit;
use crate::domain::audit_action::AuditAction;
use crate::domain::department::Department;
use crate::domain::ids::{CaseId, DocumentId, ParticipantId};
use crate::domain::notice_event::NoticeEvent;
use crate::domain::role::Role;
use crate::notify::enqueue;
use crate::policy::grants::Grant;
use crate::policy::{Action, Actor, ConsentGiver, age};
use crate::store::StoreError;
use crate::store::consents::{self, NewConsent};
use time::Date;
use uuid::Uuid;

pub struct ConsentInput {
    pub scope: Vec<Department>,
    pub valid_until: Option<Date>,
}

/// A consent the giver changes ("Ret"): their own active one, withdrawn in the same
/// transaction as the new one is given, so sharing never counts both nor neither.
pub type Replaces = Option<Uuid>;

pub struct PaperConsentInput {
    pub given_by: ParticipantId,
    pub signed_on: Date,
    pub evidence_document_id: Option<String>,
    pub consent: ConsentInput,
}

fn check(state: &App, input: &ConsentInput) -> CaseResult<()> {
    if input.scope.is_empty() {
        return Err(CaseError::invalid("scope", "invalid.scope.empty"));
    }
    let today = crate::clock::copenhagen_date(state.clock.now());
    if input.valid_until.is_some_and(|until| until < today) {
        return Err(CaseError::invalid(
            "valid_until",
            "invalid.valid_until.passed",
        ));
    }
    Ok(())
}

/// The logged-in young person or custody holder consents (`replaces`: instead of their own
/// active consent).
pub async fn give(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    input: ConsentInput,
    replaces: Replaces,
) -> CaseResult<Uuid> {
    let case = authorize(state, actor, Action::GiveOwnConsent, case_id).await?;
    check(state, &input)?;
    let me = case
        .participants
        .iter()
        .find(|p| p.fact.account == Some(actor.account))
        .ok_or(CaseError::Denied(crate::policy::Reason::NotFound))?;
    let giver = match me.fact.role {
        Role::YoungPerson => ConsentGiver::YoungPerson,
        _ => ConsentGiver::CustodyHolder(me.fact.id),
    };
    let new = NewConsent {
        case_id,
        giver,
        giver_participant_id: me.fact.id,
        paper: false,
        scope: input.scope,
        valid_until: input.valid_until,
        signed_on: None,
        evidence_document_id: None,
        recorded_by: actor.account,
    };
    let replaced = replaces
        .map(|old| own_active_consent(state, &case, giver, old))
        .transpose()?;
    let mut tx = state.db.begin().await?;
    if let Some(old) = replaced {
        consents::withdraw(&mut tx, old, actor.account, state.clock.now()).await?;
        let event = super::event(state, actor, AuditAction::WithdrawConsent, &case).consent(old);
        audit::record(&mut tx, &event).await?;
    }
    let id = consents::insert(&mut tx, &new, state.clock.now()).await?;
    let event = NoticeEvent::ConsentGiven;
    enqueue::consent_changed(state, &mut tx, case_id, &case.facts, event, actor.account).await?;
    let event = super::event(state, actor, AuditAction::GiveConsent, &case).consent(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(case = %case_id, consent = %id, "consent given");
    Ok(id)
}

/// The consent `id` if it is the giver's own and still active; anything else is refused as a
/// stale form (it was withdrawn, expired or replaced meanwhile) or as not theirs.
fn own_active_consent(
    state: &App,
    case: &super::LoadedCase,
    giver: ConsentGiver,
    id: Uuid,
) -> CaseResult<Uuid> {
    let found = case.consents.iter().find(|c| c.id == id);
    match found {
        Some(c) if c.fact.giver != giver => Err(CaseError::invalid(
            "replaces_consent_id",
            "invalid.replaces.not_yours",
        )),
        Some(c) if crate::policy::is_active(&c.fact, state.clock.now()) => Ok(id),
        Some(_) => Err(CaseError::invalid(
            "replaces_consent_id",
            "invalid.replaces.inactive",
        )),
        None => Err(CaseError::invalid(
            "replaces_consent_id",
            "invalid.replaces.not_yours",
        )),
    }
}

/// The coordinator records a signed paper declaration.
pub async fn record_paper(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    input: PaperConsentInput,
) -> CaseResult<Uuid> {
    let case = authorize(state, actor, Action::RecordPaperConsent, case_id).await?;
    check(state, &input.consent)?;
    let today = crate::clock::copenhagen_date(state.clock.now());
    if input.signed_on > today {
        return Err(CaseError::invalid("signed_on", "invalid.signed_on.future"));
    }
    if input.signed_on < case.row.young_person_birth_date {
        return Err(CaseError::invalid(
            "signed_on",
            "invalid.signed_on.before_birth",
        ));
    }
    let giver = case
        .participants
        .iter()
        .find(|p| p.fact.id == input.given_by)
        .ok_or_else(|| {
            CaseError::invalid(
                "given_by_participant_id",
                "invalid.given_by.no_such_participant",
            )
        })?;
    let own = own_cpr_hash(state, actor).await?;
    let giver_is_actors_own_cpr = own.is_some() && giver.invited_cpr_hash == own;
    let grant = Grant::PaperConsent {
        giver: giver.fact.id,
        giver_is_actors_own_cpr,
    };
    check_grant(state, actor, grant, Some(&case)).await?;
    let minor = age::is_minor(case.row.young_person_birth_date, today);
    let giver_kind = match giver.fact.role {
        Role::YoungPerson => ConsentGiver::YoungPerson,
        Role::Parent if giver.fact.has_custody && minor => {
            ConsentGiver::CustodyHolder(giver.fact.id)
        }
        _ => {
            return Err(CaseError::invalid(
                "given_by_participant_id",
                "invalid.given_by.not_a_consenter",
            ));
        }
    };
    let evidence = match input.evidence_document_id.as_deref() {
        Some(raw) => Some(evidence_of(state, case_id, raw).await?),
        None => None,
    };
    let new = NewConsent {
        case_id,
        giver: giver_kind,
        giver_participant_id: giver.fact.id,
        paper: true,
        scope: input.consent.scope,
        valid_until: input.consent.valid_until,
        signed_on: Some(input.signed_on),
        evidence_document_id: evidence.map(|d| d.to_string()),
        recorded_by: actor.account,
    };
    let mut tx = state.db.begin().await?;
    let id = consents::insert(&mut tx, &new, state.clock.now()).await?;
    let event = NoticeEvent::ConsentGiven;
    enqueue::consent_changed(state, &mut tx, case_id, &case.facts, event, actor.account).await?;
    let event = super::event(state, actor, AuditAction::RecordPaperConsent, &case).consent(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(case = %case_id, consent = %id, "paper consent recorded");
    Ok(id)
}

/// The scanned declaration behind a paper consent: a document of kind `consent_declaration` in
/// the same case, not deleted.
async fn evidence_of(state: &App, case_id: CaseId, raw: &str) -> CaseResult<DocumentId> {
    const FIELD: &str = "evidence_document_id";
    let wrong = || CaseError::invalid(FIELD, "invalid.evidence.not_a_declaration");
    let id = DocumentId::parse(raw).map_err(|_| wrong())?;
    match crate::store::documents::find(&state.db, id).await {
        Ok(doc) if doc.case_id == case_id && !doc.deleted && doc.kind == "consent_declaration" => {
            Ok(id)
        }
        Ok(_) | Err(StoreError::NotFound) => Err(wrong()),
        Err(e) => Err(e.into()),
    }
}

/// Withdraws a consent: its giver or the coordinator. Sharing stops on the next request.
pub async fn withdraw(
    state: &App,
    actor: &Actor,
    case_id: CaseId,
    consent: Uuid,
) -> CaseResult<()> {
    let case = crate::store::cases::load(&state.db, case_id).await?;
    let giver = case
        .as_ref()
        .and_then(|(_, _, _, consents)| consents.iter().find(|c| c.id == consent))
        .map(|c| c.fact.giver);
    let Some(giver) = giver else {
        // Unknown consent: let the policy say whether the case itself may be known.
        authorize(state, actor, Action::ViewCase, case_id).await?;
        return Err(CaseError::Denied(crate::policy::Reason::NotFound));
    };
    let case = authorize(state, actor, Action::WithdrawConsent(giver), case_id).await?;
    let mut tx = state.db.begin().await?;
    consents::withdraw(&mut tx, consent, actor.account, state.clock.now()).await?;
    let event = NoticeEvent::ConsentWithdrawn;
    enqueue::consent_changed(state, &mut tx, case_id, &case.facts, event, actor.account).await?;
    let event = super::event(state, actor, AuditAction::WithdrawConsent, &case).consent(consent);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(case = %case_id, consent = %consent, "consent withdrawn");
    Ok(())
}

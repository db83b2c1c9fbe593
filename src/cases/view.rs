//! What a case looks like to the people allowed to see it (API and pages share this).

use super::{CaseResult, LoadedCase, authorize};
use crate::app::App;
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::CaseId;
use crate::domain::role::Role;
use crate::i18n::{Lang, catalogue};
use crate::policy::{self, Action, Actor, Missing, age};
use serde::Serialize;

/// Six months before the 18th birthday the coordinator holds the 17½-year meeting.
pub const WARNING_MONTHS: u8 = 6;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YoungPersonView {
    pub name: String,
    /// DDMMYY-xxxx: the birth date part only.
    pub cpr_masked: String,
    pub age: i32,
    pub turns_18_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissingView {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_id: Option<String>,
    pub text_da: &'static str,
    pub text_en: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharingView {
    pub permitted: bool,
    pub missing: Vec<MissingView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub department: Option<crate::domain::department::Department>,
    pub access: crate::domain::access::Access,
    pub has_custody: bool,
    /// False while an invited citizen has not logged in yet.
    pub has_logged_in: bool,
    /// A parent whose access ended at the young person's 18th birthday (until granted again).
    pub access_ended_at_18: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConsentView {
    pub id: String,
    pub given_by_participant_id: String,
    pub giver: &'static str,
    pub method: String,
    pub scope: Vec<crate::domain::department::Department>,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub signed_on: Option<String>,
    /// The scanned declaration of a paper consent (a `consent_declaration` document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_document_id: Option<String>,
    pub withdrawn_at: Option<String>,
    pub active: bool,
    /// Whether the caller may withdraw this consent now (its giver, or the coordinator).
    pub may_withdraw: bool,
}

/// What the caller may do on the case right now, as the policy decides it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionsView {
    pub read_documents: bool,
    pub write_documents: bool,
    /// The coordinator's soft delete.
    pub delete_documents: bool,
    pub manage_participants: bool,
    pub give_consent: bool,
    /// The coordinator hands the case over; an admin reassigns it.
    pub hand_over_coordinator: bool,
    /// The young adult may give a parent access again.
    pub grant_parent_access: bool,
    /// Record a consent given on paper, on someone's behalf.
    pub record_paper_consent: bool,
    pub close_case: bool,
    pub reopen_case: bool,
    /// Read the case's access log ("Hvem har set mine oplysninger").
    pub view_access_log: bool,
    /// The coordinator's periodic review of the team's access (when someone but the young
    /// person is on the team).
    pub review_access: bool,
    /// Why documents are closed to the caller, when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents_denied: Option<DeniedView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeniedView {
    pub code: &'static str,
    pub text_da: &'static str,
    pub text_en: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: String,
    pub status: crate::domain::case_status::CaseStatus,
    pub young_person: YoungPersonView,
    pub coordinator: PersonRef,
    pub placement: Option<String>,
    /// The caller's role: coordinator, admin, or their participant role.
    pub my_role: String,
    /// The caller's own participant id, when they take part in the case.
    pub my_participant_id: Option<String>,
    pub sharing: SharingView,
    /// True from six months before the 18th birthday (the 17½-year meeting) until it.
    pub approaching_18: bool,
    pub permissions: PermissionsView,
    pub participants: Vec<ParticipantView>,
    pub consents: Vec<ConsentView>,
    /// For the coordinator: an admin or someone without a part in the case has acted on it.
    pub unusual_access: bool,
}

fn missing_view(missing: &Missing) -> MissingView {
    match missing {
        Missing::ConsentYoungPerson => MissingView {
            code: "consent_young_person",
            participant_id: None,
            text_da: in_danish("missing.consent_young_person"),
            text_en: in_english("missing.consent_young_person"),
        },
        Missing::ConsentCustodyHolder { participant_id } => MissingView {
            code: "consent_custody_holder",
            participant_id: participant_id.map(|p| p.to_string()),
            text_da: in_danish("missing.consent_custody_holder"),
            text_en: in_english("missing.consent_custody_holder"),
        },
    }
}

fn in_danish(key: &'static str) -> &'static str {
    catalogue(Lang::Da).get(key)
}

fn in_english(key: &'static str) -> &'static str {
    catalogue(Lang::En).get(key)
}

/// Whether the 18th birthday is within the warning period (and not yet passed) on `today`.
pub fn approaching_18(birth_date: time::Date, today: time::Date) -> bool {
    let eighteen = age::birthday(birth_date, age::ADULT_AGE);
    let warn_from = shift_months(eighteen, -i32::from(WARNING_MONTHS));
    today >= warn_from && today < eighteen
}

/// The same day `months` later (earlier when negative), or the month's last day if shorter.
pub(crate) fn shift_months(date: time::Date, months: i32) -> time::Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let (year, month) = (
        total.div_euclid(12),
        u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1),
    );
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let last_day = time::util::days_in_month(month, year);
    time::Date::from_calendar_date(year, month, date.day().min(last_day)).unwrap_or(date)
}

pub fn case_view(state: &App, actor: &Actor, case: &LoadedCase) -> CaseView {
    let now = state.clock.now();
    let today = crate::clock::copenhagen_date(now);
    let sharing = policy::sharing(&case.facts, state.settings.consent.custody_rule, now);
    let birth = case.row.young_person_birth_date;
    let me = case
        .participants
        .iter()
        .find(|p| p.fact.account == Some(actor.account));
    let my_role = if actor.account == case.row.coordinator_id {
        "coordinator".to_owned()
    } else if let Some(me) = me {
        serde_json::to_value(me.fact.role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    } else {
        "admin".to_owned()
    };
    CaseView {
        id: case.row.id.to_string(),
        status: case.row.status,
        young_person: YoungPersonView {
            name: case.row.young_person_name.clone(),
            cpr_masked: format!(
                "{:02}{:02}{:02}-xxxx",
                birth.day(),
                u8::from(birth.month()),
                birth.year().rem_euclid(100)
            ),
            age: age::age_on(birth, today),
            turns_18_on: age::birthday(birth, age::ADULT_AGE).to_string(),
        },
        coordinator: PersonRef {
            id: case.row.coordinator_id.to_string(),
            name: case.row.coordinator_name.clone(),
        },
        placement: case.row.placement.clone(),
        my_role,
        my_participant_id: me.map(|p| p.fact.id.to_string()),
        sharing: SharingView {
            permitted: sharing.permitted,
            missing: sharing.missing.iter().map(missing_view).collect(),
        },
        approaching_18: approaching_18(birth, today),
        permissions: permissions(state, actor, case),
        participants: case
            .participants
            .iter()
            .map(|p| ParticipantView {
                id: p.fact.id.to_string(),
                name: p.name.clone(),
                role: p.fact.role,
                department: p.fact.department,
                access: p.fact.access,
                has_custody: p.fact.has_custody,
                has_logged_in: p.fact.account.is_some(),
                access_ended_at_18: policy::parent_access_ended(&p.fact, birth, today),
            })
            .collect(),
        consents: case
            .consents
            .iter()
            .map(|c| consent_view(state, actor, case, c, now))
            .collect(),
        unusual_access: false,
    }
}

fn permissions(state: &App, actor: &Actor, case: &LoadedCase) -> PermissionsView {
    let decide = |action| super::decision(state, actor, action, case);
    let read = decide(Action::ReadDocuments);
    PermissionsView {
        read_documents: read.is_allowed(),
        write_documents: decide(Action::WriteDocuments).is_allowed(),
        delete_documents: decide(Action::DeleteDocument).is_allowed(),
        manage_participants: decide(Action::ManageParticipants).is_allowed(),
        give_consent: decide(Action::GiveOwnConsent).is_allowed(),
        hand_over_coordinator: decide(Action::HandOverCoordinator).is_allowed(),
        grant_parent_access: decide(Action::GrantParentAccess).is_allowed(),
        record_paper_consent: decide(Action::RecordPaperConsent).is_allowed(),
        close_case: decide(Action::CloseCase).is_allowed(),
        view_access_log: decide(Action::ViewAccessLog).is_allowed(),
        reopen_case: decide(Action::ReopenCase).is_allowed(),
        // Only when there is someone to review: the young person is never part of it.
        review_access: case.facts.coordinator == actor.account
            && decide(Action::ManageParticipants).is_allowed()
            && case
                .facts
                .participants
                .iter()
                .any(|p| p.role != crate::domain::role::Role::YoungPerson),
        documents_denied: match read {
            policy::Decision::Deny(reason) => Some(DeniedView {
                code: reason.code(),
                text_da: in_danish(reason.key()),
                text_en: in_english(reason.key()),
            }),
            policy::Decision::Allow => None,
        },
    }
}

pub async fn show(state: &App, actor: &Actor, id: CaseId) -> CaseResult<CaseView> {
    let case = authorize(state, actor, Action::ViewCase, id).await?;
    let event = super::event(state, actor, AuditAction::ViewCase, &case);
    crate::audit::record_read(state, &event).await?;
    let mut view = case_view(state, actor, &case);
    if actor.account == case.row.coordinator_id {
        view.unusual_access = super::access_log::has_unusual_access(state, &case).await?;
    }
    Ok(view)
}

/// The case as it is after a change the caller made (the change is in the access log; this
/// view of its outcome adds no row, and a caller who lost access meanwhile is told NotFound).
pub async fn after_change(state: &App, actor: &Actor, id: CaseId) -> CaseResult<CaseView> {
    let case = super::authorize_quietly(state, actor, Action::ViewCase, id).await?;
    Ok(case_view(state, actor, &case))
}

/// One consent as the caller sees it; `may_withdraw` is the policy's answer for the caller.
pub(super) fn consent_view(
    state: &App,
    actor: &Actor,
    case: &LoadedCase,
    c: &crate::store::consents::ConsentRow,
    now: time::OffsetDateTime,
) -> ConsentView {
    ConsentView {
        id: c.id.to_string(),
        given_by_participant_id: c.giver_participant_id.to_string(),
        giver: match c.fact.giver {
            policy::ConsentGiver::YoungPerson => "young_person",
            policy::ConsentGiver::CustodyHolder(_) => "custody_holder",
        },
        method: c.method.clone(),
        scope: c.fact.scope.clone(),
        valid_from: crate::store::time_text::to_text(c.fact.valid_from),
        valid_until: c.fact.valid_until.map(|d| d.to_string()),
        signed_on: c.signed_on.map(|d| d.to_string()),
        evidence_document_id: c.evidence_document_id.clone(),
        withdrawn_at: c.fact.withdrawn_at.map(crate::store::time_text::to_text),
        active: policy::is_active(&c.fact, now),
        may_withdraw: policy::is_active(&c.fact, now)
            && super::allows(state, actor, Action::WithdrawConsent(c.fact.giver), case),
    }
}

#[cfg(test)]
mod tests {
    use super::approaching_18;
    use time::macros::date;

    #[test]
    fn the_warning_starts_six_months_before_the_18th_birthday() {
        let born = date!(2008 - 11 - 23);
        assert!(!approaching_18(born, date!(2026 - 05 - 22)));
        assert!(approaching_18(born, date!(2026 - 05 - 23)));
        assert!(approaching_18(born, date!(2026 - 11 - 22)));
        assert!(
            !approaching_18(born, date!(2026 - 11 - 23)),
            "18 today: no longer approaching"
        );
        // 31 August: six months earlier is the last day of February.
        assert!(approaching_18(date!(2008 - 08 - 31), date!(2026 - 02 - 28)));
        assert!(!approaching_18(
            date!(2008 - 08 - 31),
            date!(2026 - 02 - 27)
        ));
    }
}

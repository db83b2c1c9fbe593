//! The input of each action that both the API and the pages offer: one type per action, read
//! from a JSON body by the API and from a posted form by `pages::forms::PageForm`, so the two
//! cannot drift apart. What a field means is checked once, by the service the input goes to.

use crate::app::App;
use crate::cases::consents::{self, ConsentInput, PaperConsentInput};
use crate::cases::participants::ParticipantInput;
use crate::cases::{CaseError, CaseResult};
use crate::domain::access::Access;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId, ParticipantId};
use crate::domain::role::Role;
use crate::policy::Actor;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

time::serde::format_description!(day, Date, "[year]-[month]-[day]");

/// A field of a posted form that does not parse, as the sentence to show: which field, and the
/// i18n key that says what to do. The API answers the same input with its own 422.
pub trait FormFields {
    fn unreadable(field: &str) -> CaseError {
        let _ = field;
        CaseError::invalid("form", "invalid.form.unreadable")
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveConsent {
    /// The departments that may exchange information (a form repeats `scope=`).
    #[serde(default)]
    pub scope: Vec<Department>,
    /// The last day covered (YYYY-MM-DD).
    #[serde(default, with = "day::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<Date>,
    /// Coordinator only: record a signed paper declaration on this participant's behalf.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub given_by_participant_id: Option<ParticipantId>,
    #[serde(default, with = "day::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<Date>,
    pub evidence_document_id: Option<String>,
    /// The caller's own active consent this one takes the place of (changing a consent): it is
    /// withdrawn in the same transaction. Not for paper declarations.
    pub replaces_consent_id: Option<Uuid>,
}

impl FormFields for GiveConsent {
    fn unreadable(field: &str) -> CaseError {
        match field {
            "valid_until" => CaseError::invalid("valid_until", "invalid.date"),
            "signed_on" => CaseError::invalid("signed_on", "invalid.date"),
            "given_by_participant_id" => {
                CaseError::invalid("given_by_participant_id", "invalid.given_by.choose")
            }
            _ => CaseError::invalid("scope", "invalid.scope.empty"),
        }
    }
}

impl GiveConsent {
    /// The caller's own consent, or, naming who signed, the coordinator's record of a paper one.
    pub async fn submit(self, state: &App, actor: &Actor, case: CaseId) -> CaseResult<Uuid> {
        let consent = ConsentInput {
            scope: self.scope,
            valid_until: self.valid_until,
        };
        let Some(given_by) = self.given_by_participant_id else {
            return consents::give(state, actor, case, consent, self.replaces_consent_id).await;
        };
        if self.replaces_consent_id.is_some() {
            return Err(CaseError::invalid(
                "replaces_consent_id",
                "invalid.replaces.paper",
            ));
        }
        let signed_on = self
            .signed_on
            .ok_or_else(|| CaseError::invalid("signed_on", "invalid.signed_on.required"))?;
        let input = PaperConsentInput {
            given_by,
            signed_on,
            evidence_document_id: self.evidence_document_id,
            consent,
        };
        consents::record_paper(state, actor, case, input).await
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddParticipant {
    pub role: Role,
    pub access: Access,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub account_id: Option<AccountId>,
    pub cpr: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub department: Option<Department>,
    pub has_custody: Option<bool>,
}

impl FormFields for AddParticipant {
    fn unreadable(field: &str) -> CaseError {
        match field {
            "role" => CaseError::invalid("role", "invalid.role.choose"),
            "access" => CaseError::invalid("access", "invalid.access.choose"),
            "account_id" => CaseError::invalid("account_id", "invalid.account.choose"),
            _ => CaseError::invalid("form", "invalid.form.unreadable"),
        }
    }
}

impl AddParticipant {
    pub fn as_input(&self) -> ParticipantInput<'_> {
        ParticipantInput {
            role: self.role,
            access: self.access,
            account_id: self.account_id,
            cpr: self.cpr.as_deref(),
            name: self.name.as_deref(),
            email: self.email.as_deref(),
            department: self.department,
            has_custody: self.has_custody,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeAccess {
    pub access: Access,
}

impl FormFields for ChangeAccess {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("access", "invalid.access.choose")
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOver {
    #[schema(value_type = String, format = Uuid)]
    pub account_id: AccountId,
}

impl FormFields for HandOver {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("account_id", "invalid.account.choose")
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub title: String,
}

impl FormFields for Rename {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("title", "invalid.title.empty")
    }
}

/// A form whose only field is the CSRF token (withdraw, remove, close, delete, ...).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

impl FormFields for NoFields {}

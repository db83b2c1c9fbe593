//! Consent from the case page: a citizen gives their own, the coordinator records a paper
//! declaration (linked to its scanned document), and the giver or the coordinator withdraws one.
//! Forms post here with the session's CSRF token and land back on the case page; every decision
//! is the policy's, through the same services as `/api/v1/cases/{case_id}/consents`.

use super::forms::{FormPairs, date, departments, field, not_found, on_case};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::consents::{ConsentInput, PaperConsentInput};
use crate::cases::{CaseError, actor_of, consents};
use crate::domain::ids::ParticipantId;
use actix_web::{HttpRequest, HttpResponse, web};

/// A citizen gives their own consent, or (with `given_by_participant_id`) the coordinator records
/// a signed paper declaration.
pub async fn give(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, path, |case| async move {
        let consent = ConsentInput {
            scope: departments(form),
            valid_until: date(form, "valid_until")?,
        };
        let actor = actor_of(who);
        match field(form, "given_by_participant_id") {
            Some(given_by) => {
                let given_by = ParticipantId::parse(given_by).map_err(|_| {
                    CaseError::invalid("given_by_participant_id", "invalid.given_by.choose")
                })?;
                let signed_on = date(form, "signed_on")?
                    .ok_or_else(|| CaseError::invalid("signed_on", "invalid.signed_on.missing"))?;
                let input = PaperConsentInput {
                    given_by,
                    signed_on,
                    evidence_document_id: field(form, "evidence_document_id").map(str::to_owned),
                    consent,
                };
                consents::record_paper(state, &actor, case, input)
                    .await
                    .map(|_| ())
            }
            None => consents::give(state, &actor, case, consent)
                .await
                .map(|_| ()),
        }
    })
    .await
}

/// The giver or the coordinator withdraws a consent.
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, &path.0, |case| async move {
        let consent = uuid::Uuid::parse_str(&path.1).map_err(|_| not_found())?;
        consents::withdraw(state, &actor_of(who), case, consent).await
    })
    .await
}

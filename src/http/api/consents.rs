//! `/api/v1/cases/{case_id}/consents`: give, record on paper, withdraw.

use super::cases::case_id;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::consents::{self, ConsentInput, PaperConsentInput};
use crate::domain::department::Department;
use crate::domain::ids::ParticipantId;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use time::Date;

time::serde::format_description!(day, Date, "[year]-[month]-[day]");

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveConsent {
    /// The departments that may exchange information.
    scope: Vec<Department>,
    /// The last day covered (YYYY-MM-DD).
    #[serde(default, with = "day::option")]
    #[schema(value_type = Option<String>)]
    valid_until: Option<Date>,
    /// Coordinator only: record a signed paper declaration on this participant's behalf.
    #[schema(value_type = Option<String>)]
    given_by_participant_id: Option<ParticipantId>,
    #[serde(default, with = "day::option")]
    #[schema(value_type = Option<String>)]
    signed_on: Option<Date>,
    evidence_document_id: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/consents", tag = "cases", request_body = GiveConsent,
    responses((status = 201, description = "The consent's id"), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn give(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<GiveConsent>,
) -> Result<HttpResponse, Problem> {
    let case = case_id(&path)?;
    let actor = actor_of(&who);
    let body = body.into_inner();
    let consent = ConsentInput {
        scope: body.scope,
        valid_until: body.valid_until,
    };
    let id = match body.given_by_participant_id {
        Some(given_by) => {
            let signed_on = body.signed_on.ok_or_else(|| {
                Problem::from(crate::cases::CaseError::invalid(
                    "signed_on",
                    "invalid.signed_on.required",
                ))
            })?;
            let input = PaperConsentInput {
                given_by,
                signed_on,
                evidence_document_id: body.evidence_document_id,
                consent,
            };
            consents::record_paper(&state, &actor, case, input).await?
        }
        None => consents::give(&state, &actor, case, consent).await?,
    };
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id.to_string() })))
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/consents/{consent_id}/withdraw", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn withdraw(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let case = case_id(&path.0)?;
    let consent = uuid::Uuid::parse_str(&path.1).map_err(|_| Problem::no_access())?;
    consents::withdraw(&state, &actor_of(&who), case, consent).await?;
    Ok(HttpResponse::NoContent().finish())
}

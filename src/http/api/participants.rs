//! `/api/v1/cases/{case_id}/participants`: the coordinator adds, changes and removes.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::participants;
use crate::domain::ids::{CaseId, ParticipantId};
use crate::http::api::json_object::JsonObject;
use crate::http::input::{AddParticipant, ChangeAccess};
use crate::http::problem::{Problem, ProblemBody};
use actix_web::{HttpResponse, web};

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/participants", tag = "cases", request_body = AddParticipant,
    responses((status = 201, description = "The participant's id"), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    body: JsonObject<AddParticipant>,
) -> Result<HttpResponse, Problem> {
    let case = path.into_inner();
    let id = participants::add(&state, &actor_of(&who), case, body.as_input()).await?;
    Ok(HttpResponse::Created().json(
        serde_json::json!({ "id": id.to_string(), "role": body.role, "access": body.access }),
    ))
}

#[utoipa::path(patch, path = "/api/v1/cases/{case_id}/participants/{participant_id}", tag = "cases", request_body = ChangeAccess,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn change(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, ParticipantId)>,
    body: JsonObject<ChangeAccess>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = path.into_inner();
    participants::set_access(&state, &actor_of(&who), case, participant, body.access).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/cases/{case_id}/participants/{participant_id}", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn remove(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, ParticipantId)>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = path.into_inner();
    participants::remove(&state, &actor_of(&who), case, participant).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/participants/{participant_id}/grant", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn grant(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, ParticipantId)>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = path.into_inner();
    participants::grant_parent_access(&state, &actor_of(&who), case, participant).await?;
    Ok(HttpResponse::NoContent().finish())
}

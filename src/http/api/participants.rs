//! `/api/v1/cases/{case_id}/participants`: the coordinator adds, changes and removes.

use super::cases::case_id;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::participants::{self, ParticipantInput};
use crate::domain::access::Access;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, ParticipantId};
use crate::domain::role::Role;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddParticipant {
    role: Role,
    access: Access,
    #[schema(value_type = Option<String>)]
    account_id: Option<AccountId>,
    cpr: Option<String>,
    name: Option<String>,
    email: Option<String>,
    department: Option<Department>,
    has_custody: Option<bool>,
}

fn participant_id(raw: &str) -> Result<ParticipantId, Problem> {
    ParticipantId::parse(raw).map_err(|_| Problem::no_access())
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/participants", tag = "cases", request_body = AddParticipant,
    responses((status = 201, description = "The participant's id"), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<AddParticipant>,
) -> Result<HttpResponse, Problem> {
    let case = case_id(&path)?;
    let input = ParticipantInput {
        role: body.role,
        access: body.access,
        account_id: body.account_id,
        cpr: body.cpr.as_deref(),
        name: body.name.as_deref(),
        email: body.email.as_deref(),
        department: body.department,
        has_custody: body.has_custody,
    };
    let id = participants::add(&state, &actor_of(&who), case, input).await?;
    Ok(HttpResponse::Created().json(
        serde_json::json!({ "id": id.to_string(), "role": body.role, "access": body.access }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeAccess {
    access: Access,
}

#[utoipa::path(patch, path = "/api/v1/cases/{case_id}/participants/{participant_id}", tag = "cases", request_body = ChangeAccess,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn change(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
    body: web::Json<ChangeAccess>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = (case_id(&path.0)?, participant_id(&path.1)?);
    participants::set_access(&state, &actor_of(&who), case, participant, body.access).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/cases/{case_id}/participants/{participant_id}", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn remove(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = (case_id(&path.0)?, participant_id(&path.1)?);
    participants::remove(&state, &actor_of(&who), case, participant).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/participants/{participant_id}/grant", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn grant(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (case, participant) = (case_id(&path.0)?, participant_id(&path.1)?);
    participants::grant_parent_access(&state, &actor_of(&who), case, participant).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! `/api/v1/cases`: create, list, search, show, hand over, close, reopen.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::create::{self, CaseInput};
use crate::cases::list::{self, CaseListItem};
use crate::cases::view::{self, CaseView};
use crate::cases::{actor_of, lifecycle, review};
use crate::domain::case_status::CaseStatus;
use crate::domain::ids::CaseId;
use crate::http::api::json_object::JsonObject;
use crate::http::input::HandOver;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YoungPersonInput {
    /// DDMMYY-SSSS or DDMMYYSSSS.
    cpr: String,
    name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    young_person: YoungPersonInput,
    placement: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CreateCase,
    responses((status = 201, body = CaseView), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create(
    state: web::Data<App>,
    who: Authenticated,
    body: JsonObject<CreateCase>,
) -> Result<HttpResponse, Problem> {
    let actor = actor_of(&who);
    let input = CaseInput {
        cpr: &body.young_person.cpr,
        name: &body.young_person.name,
        placement: body.placement.as_deref(),
    };
    let id = create::create(&state, &actor, input).await?;
    let view = view::after_change(&state, &actor, id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/cases/{id}")))
        .json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Staff: search the municipality's cases by the young person's name or CPR number.
    q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListQuery),
    responses((status = 200, body = Vec<CaseListItem>), (status = 401, body = ProblemBody),
        (status = 403, body = ProblemBody)))]
pub async fn list(
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Problem> {
    let actor = actor_of(&who);
    let items = match query.q.as_deref() {
        Some(q) => list::search(&state, &actor, q).await?,
        None => list::mine(&state, &actor).await?,
    };
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}", tag = "cases",
    responses((status = 200, body = CaseView), (status = 404, body = ProblemBody)))]
pub async fn show(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    let view = view::show(&state, &actor_of(&who), path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/coordinator", tag = "cases", request_body = HandOver,
    responses((status = 200, body = CaseView), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn hand_over(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    body: JsonObject<HandOver>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let actor = actor_of(&who);
    lifecycle::hand_over(&state, &actor, id, body.account_id).await?;
    // The caller may no longer see the case (an admin reassigning, or a coordinator leaving it).
    match view::after_change(&state, &actor, id).await {
        Ok(view) => Ok(HttpResponse::Ok().json(view)),
        Err(_) => Ok(HttpResponse::NoContent().finish()),
    }
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/close", tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = ProblemBody)))]
pub async fn close(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    set_status(state, who, path, CaseStatus::Closed).await
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/reopen", tag = "cases",
    responses((status = 200, body = CaseView), (status = 403, body = ProblemBody)))]
pub async fn reopen(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    set_status(state, who, path, CaseStatus::Active).await
}

async fn set_status(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    status: CaseStatus,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let actor = actor_of(&who);
    lifecycle::set_status(&state, &actor, id, status).await?;
    Ok(HttpResponse::Ok().json(view::after_change(&state, &actor, id).await?))
}

/// The coordinator's access review: keep or remove each participant but the young person.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessReview {
    /// Participant id to `keep` or `remove`; every participant but the young person, only them.
    #[schema(value_type = std::collections::BTreeMap<String, review::Decision>)]
    decisions: std::collections::BTreeMap<crate::domain::ids::ParticipantId, review::Decision>,
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/access-review", tag = "cases",
    request_body = AccessReview,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 422, body = ProblemBody)))]
pub async fn access_review(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    body: JsonObject<AccessReview>,
) -> Result<HttpResponse, Problem> {
    review::review(&state, &actor_of(&who), path.into_inner(), &body.decisions).await?;
    Ok(HttpResponse::NoContent().finish())
}

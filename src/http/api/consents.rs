//! `/api/v1/cases/{case_id}/consents`: give, record on paper, withdraw, and see one's own.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::consents;
use crate::domain::ids::CaseId;
use crate::http::api::json_object::JsonObject;
use crate::http::input::GiveConsent;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::{HttpResponse, web};
use uuid::Uuid;

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/consents", tag = "cases", request_body = GiveConsent,
    responses((status = 201, description = "The consent's id"), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn give(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    body: JsonObject<GiveConsent>,
) -> Result<HttpResponse, Problem> {
    let id = body
        .into_inner()
        .submit(&state, &actor_of(&who), path.into_inner())
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id.to_string() })))
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/consents/{consent_id}/withdraw", tag = "cases",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn withdraw(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, Uuid)>,
) -> Result<HttpResponse, Problem> {
    let (case, consent) = path.into_inner();
    consents::withdraw(&state, &actor_of(&who), case, consent).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}/consents/mine", tag = "cases",
    responses((status = 200, body = Vec<crate::cases::view::ConsentView>),
        (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
/// The consents the caller gave on the case, also once they were removed from it.
pub async fn mine(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    let found = crate::cases::own_consents::mine(&state, &actor_of(&who), *path).await?;
    Ok(HttpResponse::Ok().json(found))
}

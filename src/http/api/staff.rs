//! `/api/v1/staff`: search the municipality's staff; admins change flags and departments, see
//! a staff member's cases (`/api/v1/admin/staff/{id}/cases`), offboard a leaver
//! (`/api/v1/admin/staff/{id}/offboard`) and see the e-mails that could not be sent
//! (`/api/v1/admin/mail/failed`).

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::CaseError;
use crate::cases::actor_of;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId};
use crate::http::api::json_object::JsonObject;
use crate::http::problem::{Problem, ProblemBody};
use crate::staff;
use crate::staff::flags::StaffChange;
use crate::staff::grants::{MovePreview, StaffGrants};
use crate::staff::offboard::{Offboarded, Successors};
use crate::staff::overview::Overview;
use crate::store::accounts::StaffListing;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StaffQuery {
    /// A fragment of a name or an e-mail.
    q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", params(StaffQuery),
    responses((status = 200, body = Vec<StaffListing>), (status = 403, body = ProblemBody)))]
pub async fn search(
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<StaffQuery>,
) -> Result<HttpResponse, Problem> {
    let found = staff::search::search(&state, &actor_of(&who), query.q.as_deref()).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffFlags {
    is_active: Option<bool>,
    is_admin: Option<bool>,
    /// May this caseworker create cases?
    may_create_cases: Option<bool>,
    /// Move the staff member to another department (an admin's act, recorded; never one's own).
    department: Option<Department>,
}

#[utoipa::path(patch, path = "/api/v1/staff/{account_id}", tag = "staff", request_body = StaffFlags,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn set_flags(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
    body: JsonObject<StaffFlags>,
) -> Result<HttpResponse, Problem> {
    let target = path.into_inner();
    let actor = actor_of(&who);
    let change = StaffChange {
        is_active: body.is_active,
        is_admin: body.is_admin,
        may_create_cases: body.may_create_cases,
        department: body.department,
    };
    staff::flags::set_flags(&state, &actor, target, change).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/admin/mail/failed", tag = "staff",
    responses((status = 200, body = Vec<crate::store::outbox::FailedMessage>),
        (status = 403, body = ProblemBody)))]
pub async fn failed_mail(
    state: web::Data<App>,
    who: Authenticated,
) -> Result<HttpResponse, Problem> {
    let failed = crate::notify::failures::list(&state, &actor_of(&who)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(failed))
}

#[utoipa::path(get, path = "/api/v1/admin/staff/{account_id}/cases", tag = "staff",
    params(("account_id" = AccountId, Path, description = "The staff member")),
    responses((status = 200, body = StaffGrants), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody)))]
pub async fn grants(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
) -> Result<HttpResponse, Problem> {
    let grants = staff::grants::for_staff(&state, &actor_of(&who), path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(grants))
}

/// Who takes over a leaver's cases: one staff member for all (`hand_over_to`), or one per case
/// (`hand_over`, case id to account id). Neither when they coordinate no case.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OffboardRequest {
    hand_over_to: Option<AccountId>,
    #[schema(value_type = Option<BTreeMap<String, AccountId>>)]
    hand_over: Option<BTreeMap<CaseId, AccountId>>,
}

#[utoipa::path(post, path = "/api/v1/admin/staff/{account_id}/offboard", tag = "staff",
    params(("account_id" = AccountId, Path, description = "The leaver")),
    request_body = OffboardRequest,
    responses((status = 200, body = Offboarded), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody), (status = 409, body = ProblemBody),
        (status = 422, body = ProblemBody)))]
pub async fn offboard(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
    body: JsonObject<OffboardRequest>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    let successors = match (body.hand_over_to, body.hand_over) {
        (Some(_), Some(_)) => {
            return Err(CaseError::invalid("hand_over_to", "invalid.offboard.one_way").into());
        }
        (Some(one), None) => Some(Successors::One(one)),
        (None, Some(per_case)) => Some(Successors::PerCase(per_case)),
        (None, None) => None,
    };
    let done =
        staff::offboard::offboard(&state, &actor_of(&who), path.into_inner(), successors).await?;
    Ok(HttpResponse::Ok().json(done))
}

#[utoipa::path(get, path = "/api/v1/admin/overview", tag = "staff",
    responses((status = 200, body = Overview), (status = 403, body = ProblemBody)))]
pub async fn overview(state: web::Data<App>, who: Authenticated) -> Result<HttpResponse, Problem> {
    let overview = staff::overview::for_admin(&state, &actor_of(&who)).await?;
    Ok(HttpResponse::Ok().json(overview))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MoveQuery {
    /// The department the staff member would move to.
    department: Department,
}

#[utoipa::path(get, path = "/api/v1/admin/staff/{account_id}/department-preview", tag = "staff",
    params(("account_id" = AccountId, Path, description = "The staff member"), MoveQuery),
    responses((status = 200, body = MovePreview), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody)))]
pub async fn department_preview(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
    query: web::Query<MoveQuery>,
) -> Result<HttpResponse, Problem> {
    let preview =
        staff::grants::preview_move(&state, &actor_of(&who), path.into_inner(), query.department)
            .await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffBody {
    name: String,
    email: String,
    department: Department,
    #[serde(default)]
    is_admin: bool,
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = NewStaffBody,
    responses((status = 201, body = inline(serde_json::Value), description = "`{\"id\": …}`"),
        (status = 403, body = ProblemBody), (status = 409, body = ProblemBody),
        (status = 422, body = ProblemBody)))]
pub async fn create(
    state: web::Data<App>,
    who: Authenticated,
    body: JsonObject<NewStaffBody>,
) -> Result<HttpResponse, Problem> {
    let input = staff::create::StaffInput {
        name: &body.name,
        email: &body.email,
        department: body.department,
        is_admin: body.is_admin,
    };
    let id = staff::create::from_input(&state, &actor_of(&who), input).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

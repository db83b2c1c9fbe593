//! `/api/v1/staff`: search the municipality's staff; admins change flags and departments and
//! see the e-mails that could not be sent (`/api/v1/admin/mail/failed`).

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::domain::department::Department;
use crate::domain::ids::AccountId;
use crate::http::problem::{Problem, ProblemBody};
use crate::staff;
use crate::staff::flags::StaffChange;
use crate::store::accounts::StaffListing;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

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
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn set_flags(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
    body: web::Json<StaffFlags>,
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

//! `GET /api/v1/me`: who the session belongs to.

use crate::auth::session::Authenticated;
use actix_web::HttpResponse;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    id: String,
    /// `staff` or `citizen`.
    kind: &'static str,
    name: String,
    municipality_id: Option<String>,
    is_admin: bool,
    /// `low`, `substantial` or `high`: how the session was logged in.
    assurance_level: &'static str,
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "login",
    responses(
        (status = 200, body = Me),
        (status = 401, body = crate::http::problem::ProblemBody, content_type = "application/problem+json")
    )
)]
pub async fn show(who: Authenticated) -> HttpResponse {
    let account = who.account;
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Me {
            id: account.id.to_string(),
            kind: account.kind.as_str(),
            name: account.name,
            municipality_id: account.municipality_id.map(|m| m.to_string()),
            is_admin: account.is_admin,
            assurance_level: who.session.assurance_level.as_str(),
        })
}

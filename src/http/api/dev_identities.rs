//! `GET /dev-idp/identities`: the development test identities (embedded default only).

use crate::app::App;
use crate::http::problem::Problem;
use crate::seed::identities::DevIdentity;
use actix_web::{HttpResponse, web};

#[utoipa::path(
    get,
    path = "/dev-idp/identities",
    tag = "development",
    responses((status = 200, body = Vec<DevIdentity>), (status = 404, body = crate::http::problem::ProblemBody))
)]
pub async fn list(state: web::Data<App>) -> Result<HttpResponse, Problem> {
    let not_here = || Problem::not_found("There is no development identity provider here.");
    let path = state.dev_identities.as_ref().ok_or_else(not_here)?;
    let text = tokio::fs::read_to_string(path).await.map_err(|e| {
        tracing::error!(error = %e, "development identities unreadable");
        Problem::internal()
    })?;
    let identities: Vec<DevIdentity> = serde_json::from_str(&text).map_err(|e| {
        tracing::error!(error = %e, "development identities malformed");
        Problem::internal()
    })?;
    Ok(HttpResponse::Ok().json(identities))
}

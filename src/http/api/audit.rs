//! `/api/v1/audit`: an admin's search of their municipality's access log (issue #11), a page at
//! a time, newest first. Non-admins are refused as staff administration refuses them.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::audit_search::{self, AdminPage, Query};
use crate::http::problem::{Problem, ProblemBody};
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    account: Option<String>,
    case: Option<String>,
    action: Option<String>,
    /// RFC 3339, inclusive.
    from: Option<String>,
    /// RFC 3339, exclusive.
    to: Option<String>,
    page: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "staff", params(SearchQuery),
    responses((status = 200, body = AdminPage), (status = 422, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn search(
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, Problem> {
    let q = Query {
        account: query.account.as_deref(),
        case: query.case.as_deref(),
        action: query.action.as_deref(),
        from: query.from.as_deref(),
        to: query.to.as_deref(),
    };
    let page = audit_search::search(&state, &actor_of(&who), &q, query.page.unwrap_or(1)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(page))
}

//! `/api/v1/cases/{case_id}/access-log`: the case's access log, newest first, a page at a time;
//! `.../access-log.csv`: the whole log as a file (the young person's right of access).

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::access_log::{self, LogEntry, LogPage};
use crate::cases::actor_of;
use crate::domain::ids::CaseId;
use crate::http::api::page_number::PageNumber;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From 1 (the newest rows).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<PageNumber>,
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}/access-log", tag = "cases", params(PageQuery),
    responses((status = 200, body = LogPage), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn show(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    let page = access_log::page(
        &state,
        &actor_of(&who),
        path.into_inner(),
        PageNumber::or_first(query.page),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(page))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}/access-log.csv", tag = "cases",
    responses((status = 200, content_type = "text/csv"), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn csv(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let entries = access_log::whole(&state, &actor_of(&who), id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"access-log-{id}.csv\""),
        ))
        .body(to_csv(&entries)))
}

/// The rows as CSV with a header line, in Danish (when, who, what, outcome).
pub fn to_csv(entries: &[LogEntry]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let rows =
        std::iter::once(["tidspunkt", "hvem", "hvad", "udfald", "handling"].map(str::to_owned))
            .chain(entries.iter().map(|e| {
                [
                    e.at.clone(),
                    e.who_da.clone(),
                    e.what_da.clone(),
                    e.outcome.clone(),
                    e.action.to_owned(),
                ]
            }));
    for row in rows {
        // Writing to a Vec does not fail.
        let _ = out.write_record(&row);
    }
    out.into_inner().unwrap_or_default()
}

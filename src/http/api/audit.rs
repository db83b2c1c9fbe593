//! `/api/v1/audit`: an admin's search of their municipality's access log (issue #11), a page at
//! a time, newest first; `/api/v1/audit.csv`: the same search, every row, as a file. Non-admins
//! are refused as staff administration refuses them.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::cases::audit_search::{self, AdminEntry, AdminPage, Query};
use crate::http::api::page_number::PageNumber;
use crate::http::problem::{Problem, ProblemBody};
use actix_web::http::header::{self, CacheControl, CacheDirective};
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
    /// From 1 (the newest rows).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<PageNumber>,
}

impl SearchQuery {
    fn filters(&self) -> Query<'_> {
        Query {
            account: self.account.as_deref(),
            case: self.case.as_deref(),
            action: self.action.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "staff", params(SearchQuery),
    responses((status = 200, body = AdminPage), (status = 422, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn search(
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, Problem> {
    let page = audit_search::search(
        &state,
        &actor_of(&who),
        &query.filters(),
        PageNumber::or_first(query.page),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(page))
}

#[utoipa::path(get, path = "/api/v1/audit.csv", tag = "staff", params(SearchQuery),
    responses((status = 200, content_type = "text/csv"), (status = 422, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn csv(
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, Problem> {
    let entries = audit_search::export(&state, &actor_of(&who), &query.filters()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"adgangslog.csv\"",
        ))
        .body(to_csv(&entries)))
}

/// The rows as CSV with a Danish header line: what an admin may see of each row.
pub fn to_csv(entries: &[AdminEntry]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "tidspunkt",
        "hvem",
        "hvad",
        "udfald",
        "årsag",
        "sag",
        "konto",
        "rolle",
        "berørt konto",
        "handling",
    ];
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = std::iter::once(header.map(str::to_owned)).chain(entries.iter().map(|e| {
        [
            e.at.clone(),
            e.who_da.clone(),
            e.what_da.clone(),
            e.outcome.clone(),
            text(&e.reason),
            text(&e.case_id),
            text(&e.actor_account_id),
            text(&e.actor_role),
            text(&e.target_account_id),
            e.action.clone(),
        ]
    }));
    for row in rows {
        // Writing to a Vec does not fail.
        let _ = out.write_record(&row);
    }
    out.into_inner().unwrap_or_default()
}

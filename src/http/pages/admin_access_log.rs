//! `/admin/access-log`: an admin's search of their municipality's access log (issue #11) as a
//! page: staff member, case, action and a period of days, 50 rows a page, newest first, with the
//! same search as a CSV file. Over `cases::audit_search`, which records every search; a filter
//! that cannot be taken is shown at its field.

use super::display::local_time;
use super::layout::{Chrome, lang_of, render, with_chrome};
use super::notice::refusal;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::audit_search::{self, AdminEntry, Query};
use crate::cases::{CaseError, actor_of};
use crate::clock::copenhagen_instant;
use crate::domain::audit_action::AuditAction;
use crate::error::UserError;
use crate::http::api::audit::to_csv;
use crate::i18n::Lang;
use crate::staff::search::for_admin;
use crate::store::accounts::StaffListing;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Time};

/// The search form, as typed (days as `YYYY-MM-DD`, the last day included).
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    account: Option<String>,
    case: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "admin_access_log.html")]
struct AccessLogSearchPage {
    chrome: Chrome,
    staff: Vec<StaffListing>,
    actions: &'static [AuditAction],
    form: SearchForm,
    entries: Vec<AdminEntry>,
    page: u32,
    has_more: bool,
    /// The form's query string (without the page), for the CSV link and the page links.
    query: String,
    error: Option<(String, String)>,
}
with_chrome!(AccessLogSearchPage);

impl AccessLogSearchPage {
    fn when(&self, at: &str) -> String {
        local_time(at)
    }

    fn who<'a>(&self, e: &'a AdminEntry) -> &'a str {
        if self.chrome.lang == Lang::En {
            &e.who_en
        } else {
            &e.who_da
        }
    }

    fn what<'a>(&self, e: &'a AdminEntry) -> &'a str {
        if self.chrome.lang == Lang::En {
            &e.what_en
        } else {
            &e.what_da
        }
    }

    fn action_label(&self, action: &AuditAction) -> String {
        self.chrome
            .t
            .get(&format!("audit.action.{}", action.as_str()))
            .to_owned()
    }

    fn value<'a>(&self, field: &'a Option<String>) -> &'a str {
        field.as_deref().unwrap_or_default()
    }

    fn chosen(&self, field: &Option<String>, value: &str) -> bool {
        field.as_deref() == Some(value)
    }

    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == field)
    }

    fn error_text(&self) -> &str {
        self.error.as_ref().map_or("", |(_, text)| text.as_str())
    }
}

/// A day as the instant its first moment is in Copenhagen, as RFC 3339 (`None` if empty;
/// an unreadable day stays as typed, for the search to refuse at its field).
fn day_start(day: Option<&str>, after: i64) -> Option<String> {
    let day = day.map(str::trim).filter(|d| !d.is_empty())?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Some(
        Date::parse(day, format)
            .ok()
            .and_then(|d| d.checked_add(Duration::days(after)))
            .and_then(|d| copenhagen_instant(d, Time::MIDNIGHT).format(&Rfc3339).ok())
            .unwrap_or_else(|| day.to_owned()),
    )
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The form's period as instants: from the first day's start to the day after the last.
struct Days {
    from: Option<String>,
    to: Option<String>,
}

impl Days {
    fn of(form: &SearchForm) -> Self {
        Self {
            from: day_start(form.from.as_deref(), 0),
            to: day_start(form.to.as_deref(), 1),
        }
    }

    fn query<'a>(&'a self, form: &'a SearchForm) -> Query<'a> {
        Query {
            account: non_empty(form.account.as_ref()),
            case: non_empty(form.case.as_ref()),
            action: non_empty(form.action.as_ref()),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
}

fn query_string(form: &SearchForm) -> String {
    let pairs = [
        ("account", &form.account),
        ("case", &form.case),
        ("action", &form.action),
        ("from", &form.from),
        ("to", &form.to),
    ];
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = non_empty(value.as_ref()) {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let actor = actor_of(&who);
    let staff = match for_admin(&state, &actor, "").await {
        Ok(staff) => staff,
        Err(e) => return refusal(&req, &e),
    };
    let days = Days::of(&form);
    let query = days.query(&form);
    let page = form.page.unwrap_or(1);
    let (found, error) = match audit_search::search(&state, &actor, &query, page).await {
        Ok(found) => (Some(found), None),
        Err(e @ CaseError::Invalid { field, .. }) => {
            let text = e.answer().page_sentence(lang_of(&req));
            (None, Some((field.to_owned(), text)))
        }
        Err(e) => return refusal(&req, &e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (entries, page, has_more) =
        found.map_or((Vec::new(), 1, false), |f| (f.entries, f.page, f.has_more));
    render(
        status,
        &AccessLogSearchPage {
            chrome: Chrome::for_request(&req),
            staff,
            actions: AuditAction::ALL,
            query: query_string(&form),
            form,
            entries,
            page,
            has_more,
            error,
        },
    )
}

/// `/admin/access-log.csv`: the page's search, every row, as a file (`export_audit_log`).
pub async fn csv(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let days = Days::of(&form);
    match audit_search::export(&state, &actor_of(&who), &days.query(&form)).await {
        Ok(entries) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(CacheControl(vec![CacheDirective::NoStore]))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"adgangslog.csv\"",
            ))
            .body(to_csv(&entries)),
        Err(e) => refusal(&req, &e),
    }
}

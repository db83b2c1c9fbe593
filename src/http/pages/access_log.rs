//! `/cases/{case_id}/access-log`: "Hvem har set mine oplysninger", the case's access log as a
//! page (newest first, 50 a page) with a link to the whole log as a CSV file.

use super::display::local_time;
use super::forms::answer;
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::access_log::{self, LogEntry};
use crate::cases::actor_of;
use crate::domain::ids::CaseId;
use crate::i18n::Lang;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    chrome: Chrome,
    case_id: String,
    entries: Vec<LogEntry>,
    page: u32,
    has_more: bool,
}
super::layout::with_chrome!(AccessLogPage);

impl AccessLogPage {
    fn when(&self, at: &str) -> String {
        local_time(at)
    }

    fn who(&self, entry: &LogEntry) -> String {
        capitalised(if self.chrome.lang == Lang::En {
            &entry.who_en
        } else {
            &entry.who_da
        })
    }

    fn what<'a>(&self, entry: &'a LogEntry) -> &'a str {
        if self.chrome.lang == Lang::En {
            &entry.what_en
        } else {
            &entry.what_da
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let result = async {
        let id = path.into_inner();
        let found = access_log::page(&state, &actor_of(&who), id, query.page.unwrap_or(1)).await?;
        Ok(render(
            StatusCode::OK,
            &AccessLogPage {
                chrome: Chrome::for_request(&req),
                case_id: id.to_string(),
                entries: found.entries,
                page: found.page,
                has_more: found.has_more,
            },
        ))
    }
    .await;
    answer(&req, result)
}

//! Pages that only tell the reader something: "not yet", "not found", "something went wrong".

use super::layout::{Chrome, render};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    chrome: Chrome,
    heading: String,
    body: String,
    link_href: String,
    link_label: String,
}
super::layout::with_chrome!(NoticePage);

/// A notice whose heading and body are the catalogue keys `<prefix>.heading` and `<prefix>.body`.
pub fn notice(req: &HttpRequest, status: StatusCode, prefix: &str) -> HttpResponse {
    let chrome = Chrome::for_request(req);
    let t = chrome.t;
    let page = NoticePage {
        heading: t.get(&format!("{prefix}.heading")).to_owned(),
        body: t.get(&format!("{prefix}.body")).to_owned(),
        link_href: "/".to_owned(),
        link_label: t.get("notice.back_home").to_owned(),
        chrome,
    };
    render(status, &page)
}

/// A notice with a text of its own (already in the reader's language), e.g. why an action was
/// refused.
pub fn notice_text(req: &HttpRequest, status: StatusCode, text: &str) -> HttpResponse {
    let chrome = Chrome::for_request(req);
    let t = chrome.t;
    let page = NoticePage {
        heading: t.get("refused.heading").to_owned(),
        body: text.to_owned(),
        link_href: "/cases".to_owned(),
        link_label: t.get("refused.back").to_owned(),
        chrome,
    };
    render(status, &page)
}

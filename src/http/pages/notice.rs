//! Pages that only tell the reader something: "not yet", "not found", "something went wrong",
//! and the page every page answers an error with (`refusal`).

use super::layout::{Chrome, lang_of, render};
use crate::error::{ErrorKind, UserError};
use crate::http::problem::{RETRY_AFTER_SECONDS, log_failure, status_of};
use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
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

/// A notice whose heading and body are the catalogue keys given, leading to `link_href`.
pub fn notice_keys(
    req: &HttpRequest,
    heading: &str,
    body: &str,
    link_href: &str,
    link_key: &str,
) -> HttpResponse {
    let t = lang_of(req);
    let body = crate::i18n::catalogue(t).get(body).to_owned();
    page_of(req, StatusCode::OK, heading, &body, link_href, link_key)
}

/// A notice with a text of its own (already in the reader's language), e.g. why an action was
/// refused.
pub fn notice_text(req: &HttpRequest, status: StatusCode, text: &str) -> HttpResponse {
    refused_page(req, status, text, "/cases", "refused.back")
}

fn refused_page(
    req: &HttpRequest,
    status: StatusCode,
    text: &str,
    link_href: &str,
    link_key: &str,
) -> HttpResponse {
    page_of(req, status, "refused.heading", text, link_href, link_key)
}

/// The notice page: a heading (a catalogue key), a text in the reader's language, one link.
fn page_of(
    req: &HttpRequest,
    status: StatusCode,
    heading: &str,
    text: &str,
    link_href: &str,
    link_key: &str,
) -> HttpResponse {
    let chrome = Chrome::for_request(req);
    let t = chrome.t;
    let page = NoticePage {
        heading: t.get(heading).to_owned(),
        body: text.to_owned(),
        link_href: link_href.to_owned(),
        link_label: t.get(link_key).to_owned(),
        chrome,
    };
    render(status, &page)
}

/// A refusal whose way on is not the case list (a step of logging in): its sentence, and a link
/// to `link_href` labelled by the catalogue key `link_key`.
pub fn refusal_leading_to<E: UserError>(
    req: &HttpRequest,
    err: &E,
    link_href: &str,
    link_key: &str,
) -> HttpResponse {
    let answer = err.answer();
    log_failure(err, answer.kind);
    let (status, _) = status_of(answer.kind);
    let text = answer.page_sentence(lang_of(req));
    refused_page(req, status, &text, link_href, link_key)
}

/// The page that answers an error, in the reader's language: the one renderer every page uses.
/// The answer's kind gives the status (as for the API); nothing there, or a case the reader may
/// not know about, is the not-found page, and a fault of ours the error page (logged with its
/// chain); every other refusal says its sentence.
pub fn refusal<E: UserError>(req: &HttpRequest, err: &E) -> HttpResponse {
    let answer = err.answer();
    log_failure(err, answer.kind);
    let (status, _) = status_of(answer.kind);
    match answer.kind {
        ErrorKind::NotFound => notice(req, status, "notfound"),
        ErrorKind::Internal => notice(req, status, "error"),
        ErrorKind::Unavailable => {
            let text = answer.page_sentence(lang_of(req));
            let mut page = page_of(
                req,
                status,
                "unavailable.heading",
                &text,
                "/",
                "notice.back_home",
            );
            page.headers_mut().insert(RETRY_AFTER, RETRY_AFTER_SECONDS);
            page
        }
        _ => notice_text(req, status, &answer.page_sentence(lang_of(req))),
    }
}

/// The page, or the page saying what went wrong.
pub fn answer<E: UserError>(req: &HttpRequest, result: Result<HttpResponse, E>) -> HttpResponse {
    result.unwrap_or_else(|err| refusal(req, &err))
}

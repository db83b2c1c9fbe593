//! "Are you sure?" for the actions that cannot simply be undone (closing a case, removing a
//! person from the team, handing a case over, deactivating a staff member). The action's form
//! posts as before; without `confirmed=yes` the handler answers this page instead, which says
//! what will happen and posts the same fields again with `confirmed=yes`, or leads back. A page
//! rather than a script dialog, so it works without JavaScript and is read like any page.
//!
//! A handler asks only when the caller may do the action (the page names people), and does the
//! action otherwise, so a refusal is the service's own.

use super::forms::PageForm;
use super::layout::{Chrome, render};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

/// What the confirmation page says: catalogue keys, each filled with `{name}`.
pub struct Question<'a> {
    /// The key prefix: `confirm.{what}.heading`, `.lead` and `.button`.
    pub what: &'static str,
    /// The person or case named in the texts.
    pub name: &'a str,
    /// Where "Fortryd" leads.
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    csrf_token: String,
    heading: String,
    lead: String,
    button: String,
    action: String,
    sent: Vec<(String, String)>,
    back: String,
}
super::layout::with_chrome!(ConfirmPage);

/// The confirmation page for the form just posted (to the same URL).
pub fn ask<T>(req: &HttpRequest, form: &PageForm<T>, question: Question<'_>) -> HttpResponse {
    let chrome = Chrome::for_request(req);
    let fill = |part: &str| {
        chrome
            .t
            .get(&format!("confirm.{}.{part}", question.what))
            .replace("{name}", question.name)
    };
    let page = ConfirmPage {
        heading: fill("heading"),
        lead: fill("lead"),
        button: fill("button"),
        csrf_token: form.who.session.csrf_token.clone(),
        action: req.uri().to_string(),
        sent: form.sent.clone(),
        back: question.back,
        chrome,
    };
    render(StatusCode::OK, &page)
}

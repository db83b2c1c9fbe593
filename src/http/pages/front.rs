//! The front page: what vejviser is, and the two ways to log in.

use super::layout::{Chrome, render};
use crate::auth::session::Authenticated;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    chrome: Chrome,
    logged_in: bool,
    is_admin: bool,
}
super::layout::with_chrome!(FrontPage);

pub async fn show(req: HttpRequest, who: Option<Authenticated>) -> HttpResponse {
    let page = FrontPage {
        chrome: Chrome::for_request(&req),
        logged_in: who.is_some(),
        is_admin: who.is_some_and(|w| w.account.is_admin),
    };
    render(StatusCode::OK, &page)
}

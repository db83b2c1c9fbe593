//! The front page: what vejviser is, and the two ways to log in.

use super::layout::{Chrome, render};
use crate::auth::session::Authenticated;
use crate::i18n::Catalogue;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    lang: &'static str,
    t: &'static Catalogue,
    switch_lang_href: String,
    logged_in: bool,
    is_admin: bool,
}

pub async fn show(req: HttpRequest, who: Option<Authenticated>) -> HttpResponse {
    let Chrome {
        lang,
        t,
        switch_lang_href,
    } = Chrome::for_request(&req);
    render(
        StatusCode::OK,
        &FrontPage {
            lang,
            t,
            switch_lang_href,
            logged_in: who.is_some(),
            is_admin: who.is_some_and(|w| w.account.is_admin),
        },
    )
}

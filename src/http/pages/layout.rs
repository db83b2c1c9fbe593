//! What every page needs: the language, its catalogue, the language switch, and rendering.

use crate::i18n::{Catalogue, Lang, catalogue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

pub const LANG_COOKIE: &str = "lang";

/// The reader's language: the `lang` cookie set by the switch, else Danish.
pub fn lang_of(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .unwrap_or(Lang::Da)
}

/// The chrome fields the base layout reads.
pub struct Chrome {
    pub lang: &'static str,
    pub t: &'static Catalogue,
    pub switch_lang_href: String,
}

impl Chrome {
    pub fn for_request(req: &HttpRequest) -> Self {
        let lang = lang_of(req);
        let here = return_target(req);
        Self {
            lang: lang.code(),
            t: catalogue(lang),
            switch_lang_href: format!(
                "/lang/{}?return_to={}",
                lang.other().code(),
                url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            ),
        }
    }
}

/// Where the language switch brings the reader back to: this page, except that a login callback's
/// query (an authorization code and state) is never echoed into the page; its page of errors
/// switches language back at the front page instead.
fn return_target(req: &HttpRequest) -> &str {
    if req.path().starts_with("/auth/callback/") {
        return "/";
    }
    req.uri().path_and_query().map_or("/", |pq| pq.as_str())
}

/// Renders a page with a status. A template that fails to render is our fault: logged, 500.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(err) => {
            tracing::error!(error = %err, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Der skete en fejl. / Something went wrong.")
        }
    }
}

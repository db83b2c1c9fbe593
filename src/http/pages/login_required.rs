//! What a logged-out person gets for a page that needs a login: why it asks, and the two ways to
//! log in, each bringing them back to the page they asked for (a deep link survives login).
//! `/start`, where a login without a destination lands: the admin's overview, the staff member's
//! cases, or a citizen's one case opened directly.

use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{actor_of, list};
use crate::http::extractors::MaybeAuthenticated;
use actix_web::http::header::LOCATION;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "login_required.html")]
struct LoginRequiredPage {
    chrome: Chrome,
    /// The page to come back to, URL-encoded for the login links; `None` after a form post,
    /// whose page cannot be fetched again.
    return_to: Option<String>,
}
super::layout::with_chrome!(LoginRequiredPage);

/// 401 with a page that says why it asks for a login. A GET keeps its path (never its query:
/// a searched-for CPR number would otherwise travel into the login flow's row); a form post
/// says that what was sent is not saved.
pub fn login_required(req: &HttpRequest) -> HttpResponse {
    let return_to = (req.method() == Method::GET || req.method() == Method::HEAD)
        .then(|| req.path())
        .filter(|path| super::language::is_local_path(path))
        .map(|path| url::form_urlencoded::byte_serialize(path.as_bytes()).collect());
    let page = LoginRequiredPage {
        chrome: Chrome::for_request(req),
        return_to,
    };
    render(StatusCode::UNAUTHORIZED, &page)
}

/// Where a login lands when it was not sent from a page: what the person came for.
pub async fn start(
    req: HttpRequest,
    state: web::Data<App>,
    MaybeAuthenticated(who): MaybeAuthenticated,
) -> HttpResponse {
    let Some(who) = who else {
        return login_required(&req);
    };
    let target = if who.account.is_admin {
        "/admin".to_owned()
    } else {
        match list::mine(&state, &actor_of(&who)).await {
            // A citizen with one case goes straight to it ("Min sag").
            Ok(cases) if cases.len() == 1 && !is_staff(&who) => format!("/cases/{}", cases[0].id),
            _ => "/cases".to_owned(),
        }
    };
    HttpResponse::SeeOther()
        .insert_header((LOCATION, target))
        .finish()
}

fn is_staff(who: &Authenticated) -> bool {
    who.account.kind == crate::store::accounts::AccountKind::Staff
}

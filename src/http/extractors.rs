//! Who sends a request: the session cookie (`HttpOnly`, `SameSite=Lax`, `Secure` and `__Host-`
//! prefixed outside plain-http development) and the extractors that turn it into the logged-in
//! account, answering 401 problem+json without a live session.

use super::pages::layout::Viewer;
use super::problem::Problem;
use crate::app::App;
use crate::auth::session::{self, Authenticated, ProviderSession, SessionKind};
use crate::domain::assurance_level::AssuranceLevel;
use crate::store::StoreError;
use crate::store::accounts::Account;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-vejviser_session"
    } else {
        "vejviser_session"
    }
}

/// Starts a session for `account`, ending the one this browser had; returns the cookie to set.
pub async fn start_session(
    app: &App,
    req: &HttpRequest,
    account: &Account,
    provider: &str,
    level: AssuranceLevel,
    at_provider: &ProviderSession,
) -> Result<Cookie<'static>, StoreError> {
    let secure = app.settings.session.secure_cookies;
    let previous = req.cookie(cookie_name(secure));
    let token = session::start(
        app,
        previous.as_ref().map(|c| c.value()),
        account,
        provider,
        level,
        at_provider,
    )
    .await?;
    Ok(session_cookie(secure, token))
}

fn session_cookie(secure: bool, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// A cookie that removes the session cookie.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(secure, String::new());
    cookie.make_removal();
    cookie
}

fn unauthenticated() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Not logged in",
        "Log in first: there is no session, or it has expired.",
    )
}

impl FromRequest for Authenticated {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let loading = load(req);
        let req = req.clone();
        Box::pin(async move {
            let who = loading.await?;
            // Half a login (a password before its authenticator is enrolled) opens nothing else.
            if who.session.kind() == SessionKind::PasswordEnrolment {
                return Err(unauthenticated());
            }
            req.extensions_mut().insert(Viewer::of(&who));
            Ok(who)
        })
    }
}

/// The logged-in account if there is one: `None` without a live session, but a request whose
/// session could not be checked (the database out of reach) fails with that answer, so a page
/// never tells a logged-in person to log in because of a fault. `Option<Authenticated>` would
/// swallow the fault.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Authenticated>);

impl FromRequest for MaybeAuthenticated {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let loading = Authenticated::from_request(req, payload);
        Box::pin(async move {
            match loading.await {
                Ok(who) => Ok(Self(Some(who))),
                Err(problem) if problem.status() == StatusCode::UNAUTHORIZED => Ok(Self(None)),
                Err(problem) => Err(problem),
            }
        })
    }
}

/// A staff member logged in with a password, who may be in the middle of enrolling an
/// authenticator app: the only extractor that accepts such a session.
#[derive(Debug, Clone)]
pub struct PasswordStaff(pub Authenticated);

impl FromRequest for PasswordStaff {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let loading = load(req);
        Box::pin(async move {
            let who = loading.await?;
            match who.session.kind() {
                SessionKind::PasswordEnrolment | SessionKind::Password => Ok(PasswordStaff(who)),
                SessionKind::Federated => Err(unauthenticated()),
            }
        })
    }
}

/// The live session of the request's cookie, and its active account.
fn load(
    req: &HttpRequest,
) -> impl std::future::Future<Output = Result<Authenticated, Problem>> + 'static {
    let app = req.app_data::<web::Data<App>>().cloned();
    let cookie = app
        .as_ref()
        .and_then(|a| req.cookie(cookie_name(a.settings.session.secure_cookies)));
    async move {
        let (Some(app), Some(cookie)) = (app, cookie) else {
            return Err(unauthenticated());
        };
        session::load(&app, cookie.value())
            .await?
            .ok_or_else(unauthenticated)
    }
}

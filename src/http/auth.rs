//! Login and logout routes: `/auth/login/{provider}`, `/auth/callback/{provider}`,
//! `/auth/logout`, `/auth/logout-everywhere`, `/auth/logged-out`.
//! Every refused login is logged with its reason code (never tokens, codes or CPR) and answered
//! with a page; none leaves a session behind.

use super::extractors::{MaybeAuthenticated, removal_cookie, start_session};
use super::pages::language::is_local_path;
use super::pages::notice::notice;
use super::problem::Problem;
use crate::app::App;
use crate::auth::login;
use crate::auth::oidc::LoginError;
use crate::auth::session::Authenticated;
use crate::auth::tokens::same_secret;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{LOCATION, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

const FLOW_COOKIE: &str = "vejviser_login";

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    login_hint: Option<String>,
}

/// Starts the flow (`auth::login::begin`) and sends the browser to the provider, with the flow
/// id in a cookie bound to this browser. Too many starts from one address get a 429 page with
/// `Retry-After` (`auth::login_rate`).
pub async fn login(
    req: HttpRequest,
    state: web::Data<App>,
    provider: web::Path<String>,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let client = crate::audit::context::current().client_address;
    if let Some(client) = client.and_then(|c| c.parse().ok())
        && let Err(wait) = state.login_rate.check(client)
    {
        tracing::warn!(%client, "login start refused: too many from this address");
        let mut page = notice(&req, StatusCode::TOO_MANY_REQUESTS, "login.too_many");
        let seconds = wait.as_secs().max(1).to_string();
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds) {
            page.headers_mut().insert(RETRY_AFTER, value);
        }
        return page;
    }
    let return_to = query
        .return_to
        .clone()
        .filter(|t| is_local_path(t))
        .unwrap_or_else(|| "/start".to_owned());
    let begun = match login::begin(&state, &provider, query.login_hint.as_deref(), return_to).await
    {
        Ok(begun) => begun,
        Err(LoginError::UnknownProvider) => {
            return notice(&req, StatusCode::NOT_FOUND, "notfound_provider");
        }
        Err(err) => return refused(&req, &provider, &err),
    };
    let cookie = Cookie::build(FLOW_COOKIE, begun.flow_id)
        .path("/auth/callback")
        .http_only(true)
        .secure(state.settings.session.secure_cookies)
        // Lax: the provider's redirect back is a top-level GET navigation.
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(
            login::FLOW_LIFETIME.whole_seconds(),
        ))
        .finish();
    HttpResponse::Found()
        .cookie(cookie)
        .insert_header((LOCATION, begun.redirect_to.to_string()))
        .finish()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// The provider's redirect back: finishes the flow (`auth::login::complete`), starts a session.
pub async fn callback(
    req: HttpRequest,
    state: web::Data<App>,
    provider: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> HttpResponse {
    match finish_login(&req, &state, &provider, &query).await {
        Ok(response) => response,
        Err(err) => {
            crate::auth::session::record_refusal(&state, err.code(), err.placed()).await;
            refused(&req, &provider, &err)
        }
    }
}

async fn finish_login(
    req: &HttpRequest,
    state: &App,
    provider: &str,
    query: &CallbackQuery,
) -> Result<HttpResponse, LoginError> {
    let flow_cookie = req.cookie(FLOW_COOKIE);
    let answer = login::Callback {
        code: query.code.as_deref(),
        state: query.state.as_deref(),
        iss: query.iss.as_deref(),
        error: query.error.as_deref(),
    };
    let done = login::complete(
        state,
        provider,
        flow_cookie.as_ref().map(|c| c.value()),
        answer,
    )
    .await?;
    let cookie = start_session(
        state,
        req,
        &done.account,
        &done.provider,
        done.level,
        &done.at_provider,
    )
    .await?;
    tracing::info!(provider = done.provider, account = %done.account.id, level = done.level.as_str(), "login");
    let mut gone = Cookie::build(FLOW_COOKIE, "")
        .path("/auth/callback")
        .finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .cookie(gone)
        .insert_header((LOCATION, done.return_to))
        .finish())
}

/// Logs the refusal for the audit trail and answers with a page that says what to do.
fn refused(req: &HttpRequest, provider: &str, err: &LoginError) -> HttpResponse {
    let provider: String = provider.chars().take(40).collect();
    match err {
        LoginError::Store(_) | LoginError::Configuration(_) | LoginError::Discovery(_) => {
            tracing::error!(provider, reason = err.code(), detail = %err, "login failed");
        }
        _ => tracing::warn!(provider, reason = err.code(), detail = %err, "login refused"),
    }
    match err {
        LoginError::UnknownProvider => notice(req, StatusCode::NOT_FOUND, "notfound_provider"),
        LoginError::AssuranceTooLow { .. } => notice(req, StatusCode::FORBIDDEN, "login.too_low"),
        LoginError::UnknownStaff | LoginError::Deactivated => {
            notice(req, StatusCode::FORBIDDEN, "login.unknown_staff")
        }
        LoginError::NoEmailClaim { .. }
        | LoginError::EmailNotVerified { .. }
        | LoginError::SecondSubject { .. } => {
            notice(req, StatusCode::FORBIDDEN, "login.not_linked")
        }
        LoginError::Store(_) | LoginError::Configuration(_) | LoginError::Discovery(_) => {
            notice(req, StatusCode::BAD_GATEWAY, "login.failed")
        }
        _ => notice(req, StatusCode::BAD_REQUEST, "login.failed"),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
}

/// Ends the session server-side. A browser form must carry the session's token; a script
/// (no form body) is covered by the cross-site check alone.
pub async fn logout(
    state: web::Data<App>,
    MaybeAuthenticated(who): MaybeAuthenticated,
    form: Option<web::Form<LogoutForm>>,
) -> Result<HttpResponse, Problem> {
    if let Some(who) = &who {
        check_form_token(who, form.as_deref())?;
        let at_provider = login::end_session_url(&state, &who.session).await;
        who.end(&state).await?;
        if let Some(url) = at_provider {
            // On to the provider, which ends its session and sends the browser to /auth/logged-out.
            return Ok(HttpResponse::SeeOther()
                .cookie(removal_cookie(state.settings.session.secure_cookies))
                .insert_header((LOCATION, url.to_string()))
                .finish());
        }
    }
    Ok(logged_out(&state))
}

/// Ends every session of the account, on every device.
pub async fn logout_everywhere(
    state: web::Data<App>,
    who: Authenticated,
    form: Option<web::Form<LogoutForm>>,
) -> Result<HttpResponse, Problem> {
    check_form_token(&who, form.as_deref())?;
    let ended = who.end_everywhere(&state).await?;
    tracing::info!(account = %who.account.id, ended, "logged out everywhere");
    Ok(logged_out(&state))
}

/// A posted form must carry the session's token (a missing one is as stale as a wrong one); a
/// request with no form body at all is a script's, which the cross-site check covers.
fn check_form_token(who: &Authenticated, form: Option<&LogoutForm>) -> Result<(), Problem> {
    let Some(form) = form else {
        return Ok(());
    };
    match form.csrf_token.as_deref() {
        Some(token) if same_secret(token, &who.session.csrf_token) => Ok(()),
        _ => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "Form expired",
            "The form was out of date. Reload the page and try again.",
        )),
    }
}

fn logged_out(state: &App) -> HttpResponse {
    HttpResponse::SeeOther()
        .cookie(removal_cookie(state.settings.session.secure_cookies))
        .insert_header((LOCATION, "/auth/logged-out"))
        .finish()
}

pub async fn logged_out_page(req: HttpRequest) -> HttpResponse {
    notice(&req, StatusCode::OK, "logout")
}

//! Login and logout routes: `/auth/login/{provider}`, `/auth/callback/{provider}`,
//! `/auth/logout`, `/auth/logout-everywhere`, `/auth/logged-out`.
//! Every refused login is logged with its reason code (never tokens, codes or CPR) and answered
//! with a page; none leaves a session behind.

use super::pages::language::is_local_path;
use super::pages::notice::notice;
use super::problem::Problem;
use super::state::AppState;
use crate::auth::linking::account_for_login;
use crate::auth::oidc::LoginError;
use crate::auth::session::{self, Authenticated};
use crate::auth::tokens::{random_token, same_secret, token_hash};
use crate::store::login_flows::{self, LoginFlow};
use crate::store::sessions;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

const FLOW_COOKIE: &str = "vejviser_login";
const FLOW_LIFETIME_MINUTES: i64 = 10;

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    login_hint: Option<String>,
}

/// Starts the flow: keeps state, nonce and PKCE verifier server-side under a cookie bound to this
/// browser, and sends it to the provider.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    provider: web::Path<String>,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let Some((rp, provider)) = state
        .rp
        .as_ref()
        .and_then(|rp| rp.provider(&provider).map(|p| (rp, p)))
    else {
        return notice(&req, StatusCode::NOT_FOUND, "notfound_provider");
    };
    let redirect_uri = rp.redirect_uri(provider.name());
    let hint = query
        .login_hint
        .as_deref()
        .filter(|h| !h.is_empty() && h.len() <= 200);
    let request = match provider
        .authorization_request(rp.http(), &redirect_uri, hint)
        .await
    {
        Ok(request) => request,
        Err(err) => return refused(&req, provider.name(), &err),
    };
    let now = state.clock.now();
    let return_to = query
        .return_to
        .clone()
        .filter(|t| is_local_path(t))
        .unwrap_or_else(|| "/".to_owned());
    let flow = LoginFlow {
        provider: provider.name().to_owned(),
        state: request.state,
        nonce: request.nonce,
        pkce_verifier: request.pkce_verifier,
        return_to,
        expires_at: now + time::Duration::minutes(FLOW_LIFETIME_MINUTES),
    };
    let flow_id = random_token();
    if let Err(err) = login_flows::insert(&state.db, &token_hash(&flow_id), &flow, now).await {
        return refused(&req, provider.name(), &err.into());
    }
    let cookie = Cookie::build(FLOW_COOKIE, flow_id)
        .path("/auth/callback")
        .http_only(true)
        .secure(state.settings.session.secure_cookies)
        // Lax: the provider's redirect back is a top-level GET navigation.
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::minutes(
            FLOW_LIFETIME_MINUTES,
        ))
        .finish();
    HttpResponse::Found()
        .cookie(cookie)
        .insert_header((LOCATION, request.url.to_string()))
        .finish()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    provider: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> HttpResponse {
    match finish_login(&req, &state, &provider, &query).await {
        Ok(response) => response,
        Err(err) => refused(&req, &provider, &err),
    }
}

async fn finish_login(
    req: &HttpRequest,
    state: &AppState,
    provider_name: &str,
    query: &CallbackQuery,
) -> Result<HttpResponse, LoginError> {
    let rp = state.rp.as_ref().ok_or(LoginError::UnknownProvider)?;
    let provider = rp
        .provider(provider_name)
        .ok_or(LoginError::UnknownProvider)?;
    // The flow is taken (deleted) first: whatever happens below, it cannot be used again.
    let flow_id = req.cookie(FLOW_COOKIE).ok_or(LoginError::NoFlow)?;
    let flow = login_flows::take(&state.db, &token_hash(flow_id.value()))
        .await?
        .ok_or(LoginError::NoFlow)?;
    let now = state.clock.now();
    if flow.provider != provider.name() || flow.expires_at <= now {
        return Err(LoginError::NoFlow);
    }
    if !query
        .state
        .as_deref()
        .is_some_and(|s| same_secret(s, &flow.state))
    {
        return Err(LoginError::StateMismatch);
    }
    // RFC 9207: a response that names its issuer must name this provider's, and a provider that
    // promised to name it must have done so.
    match query.iss.as_deref() {
        Some(iss) if iss != provider.issuer() => return Err(LoginError::IssuerMismatch),
        None if provider.promises_iss_parameter(rp.http()).await? => {
            return Err(LoginError::IssuerMismatch);
        }
        _ => {}
    }
    if let Some(error) = &query.error {
        // The provider's words go to a log line: no control characters (no forged lines).
        let error = error.chars().filter(|c| !c.is_control()).take(60).collect();
        return Err(LoginError::ProviderError(error));
    }
    let code = query
        .code
        .as_deref()
        .ok_or(LoginError::TokenExchange("no code".into()))?;
    let redirect_uri = rp.redirect_uri(provider.name());
    let login = provider
        .complete(
            rp.http(),
            &redirect_uri,
            code,
            &flow.pkce_verifier,
            &flow.nonce,
            now,
        )
        .await?;
    let (account, level) = account_for_login(state, provider, &login).await?;
    let cookie = session::start(state, req, &account, provider.name(), level).await?;
    tracing::info!(provider = provider.name(), account = %account.id, level = level.as_str(), "login");
    let mut gone = Cookie::build(FLOW_COOKIE, "")
        .path("/auth/callback")
        .finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .cookie(gone)
        .insert_header((LOCATION, flow.return_to))
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
        LoginError::AssuranceTooLow => notice(req, StatusCode::FORBIDDEN, "login.too_low"),
        LoginError::UnknownStaff | LoginError::Deactivated => {
            notice(req, StatusCode::FORBIDDEN, "login.unknown_staff")
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
    state: web::Data<AppState>,
    who: Option<Authenticated>,
    form: Option<web::Form<LogoutForm>>,
) -> Result<HttpResponse, Problem> {
    if let Some(who) = &who {
        check_form_token(who, form.as_deref())?;
        who.end(&state).await?;
    }
    Ok(logged_out(&state))
}

/// Ends every session of the account, on every device.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    who: Authenticated,
    form: Option<web::Form<LogoutForm>>,
) -> Result<HttpResponse, Problem> {
    check_form_token(&who, form.as_deref())?;
    let ended = sessions::delete_for_account(&state.db, who.account.id).await?;
    tracing::info!(account = %who.account.id, ended, "logged out everywhere");
    Ok(logged_out(&state))
}

fn check_form_token(who: &Authenticated, form: Option<&LogoutForm>) -> Result<(), Problem> {
    match form.and_then(|f| f.csrf_token.as_deref()) {
        Some(token) if !same_secret(token, &who.session.csrf_token) => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "Form expired",
            "The form was out of date. Reload the page and try again.",
        )),
        _ => Ok(()),
    }
}

fn logged_out(state: &AppState) -> HttpResponse {
    HttpResponse::SeeOther()
        .cookie(session::removal_cookie(
            state.settings.session.secure_cookies,
        ))
        .insert_header((LOCATION, "/auth/logged-out"))
        .finish()
}

pub async fn logged_out_page(req: HttpRequest) -> HttpResponse {
    notice(&req, StatusCode::OK, "logout")
}

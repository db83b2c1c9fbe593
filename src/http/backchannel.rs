//! `POST /auth/backchannel-logout/{provider}`: the provider's back-channel logout (OpenID Connect
//! Back-Channel Logout 1.0 §2.5 and §2.8). A form with one `logout_token`; 200 when it was valid
//! (whether or not a session was still open), 400 with an OAuth error body when it was not, 503
//! when vejviser could not check or act on it now (the provider may try again). Never cached.

use crate::app::App;
use crate::auth::backchannel::{self, BackchannelError};
use crate::auth::oidc::logout_token::LogoutTokenError;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

/// A logout token is a few kilobytes at most; anything larger is refused before it is read.
pub const MAX_BODY: usize = 16 * 1024;

pub async fn logout(
    req: HttpRequest,
    state: web::Data<App>,
    provider: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let token = match logout_token_of(&req, &body) {
        Ok(token) => token,
        Err(why) => return answer(StatusCode::BAD_REQUEST, "invalid_request", why),
    };
    let provider: String = provider.chars().take(40).collect();
    match backchannel::end_sessions(&state, &provider, &token).await {
        Ok(ended) => {
            tracing::info!(provider, ended, "back-channel logout");
            HttpResponse::Ok()
                .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .finish()
        }
        Err(BackchannelError::UnknownProvider) => {
            answer(StatusCode::NOT_FOUND, "invalid_request", "no such provider")
        }
        Err(BackchannelError::Token(LogoutTokenError::Provider(detail))) => {
            tracing::warn!(
                provider,
                detail,
                "back-channel logout: the provider's keys unavailable"
            );
            let why = "the provider's keys could not be fetched; try again";
            answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                why,
            )
        }
        Err(BackchannelError::Token(refused)) => {
            tracing::warn!(provider, reason = %refused, "back-channel logout token refused");
            answer(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &refused.to_string(),
            )
        }
        Err(BackchannelError::Store(e)) => {
            tracing::error!(provider, error = %e, "back-channel logout could not be carried out");
            let why = "the sessions could not be ended now; try again";
            answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                why,
            )
        }
    }
}

/// The one `logout_token` of a form-encoded body.
fn logout_token_of(req: &HttpRequest, body: &[u8]) -> Result<String, &'static str> {
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err("the body must be application/x-www-form-urlencoded");
    }
    let mut tokens = url::form_urlencoded::parse(body)
        .filter(|(name, _)| name == "logout_token")
        .map(|(_, value)| value.into_owned());
    match (tokens.next(), tokens.next()) {
        (Some(token), None) if !token.is_empty() => Ok(token),
        (Some(_), Some(_)) => Err("logout_token given more than once"),
        _ => Err("no logout_token"),
    }
}

fn answer(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(json!({ "error": error, "error_description": description }))
}

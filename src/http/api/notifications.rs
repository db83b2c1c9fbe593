//! `GET/PUT /api/v1/me/notifications`: the caller's own notification settings. A PUT sends
//! only the fields it changes; an unknown field, a mode that is not one, or an address that is
//! not one is a 400 problem naming the field (`field`), and nothing changes.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::domain::email::Email;
use crate::domain::notification_mode::NotificationMode;
use crate::http::problem::{Problem, ProblemBody};
use crate::notify::preferences::{self, Change, Preferences, PreferencesError};
use actix_web::{HttpResponse, web};
use serde_json::Value;

/// The fields a PUT may send (either or both).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PreferencesChange {
    /// An address to send to: confirmed by a link first (citizens only).
    email: Option<String>,
    mode: Option<NotificationMode>,
}

fn answer(preferences: Preferences) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(preferences)
}

#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "login",
    responses((status = 200, body = Preferences), (status = 401, body = ProblemBody)))]
pub async fn show(state: web::Data<App>, who: Authenticated) -> Result<HttpResponse, Problem> {
    let found = preferences::show(&state, who.account.id).await?;
    Ok(answer(found))
}

/// Reads the body field by field, so the problem can name the one at fault.
pub fn parse(body: &[u8]) -> Result<Change, PreferencesError> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(PreferencesError::invalid(
            "body",
            "invalid.notifications.body",
        ));
    };
    let mut change = Change::default();
    for (name, value) in &fields {
        match name.as_str() {
            "mode" => {
                let mode = value.as_str().and_then(|m| m.parse().ok());
                change.mode = Some(mode.ok_or_else(|| {
                    PreferencesError::invalid("mode", "invalid.notifications.mode")
                })?);
            }
            "email" => {
                let text = value.as_str().unwrap_or_default();
                let email =
                    Email::parse(text).map_err(|e| PreferencesError::rejected("email", &e))?;
                change.email = Some(email);
            }
            other => return Err(PreferencesError::unknown_field(other)),
        }
    }
    Ok(change)
}

#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "login", request_body = PreferencesChange,
    responses((status = 200, body = Preferences), (status = 400, body = ProblemBody),
        (status = 401, body = ProblemBody)))]
pub async fn change(
    state: web::Data<App>,
    who: Authenticated,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let change = parse(&body)?;
    let changed = preferences::change(&state, who.account.id, change).await?;
    Ok(answer(changed))
}

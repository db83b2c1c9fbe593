//! `/me/notifications`: the settings page (the mode as a radio group, a citizen's address), the
//! confirmation link of an address, and the unsubscribe link of a message: its page asks
//! first (a link checker's GET changes nothing), and its POST (the page's button, or a mail
//! program's RFC 8058 one-click `List-Unsubscribe=One-Click`) turns mail off without a session.
//! A link that does not verify is the not-found page, and changes nothing.

use super::forms::{PageForm, see_other};
use super::layout::{Chrome, lang_of, render, with_chrome};
use super::notice::{notice_keys, refusal};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::domain::email::Email;
use crate::domain::notification_mode::NotificationMode;
use crate::error::UserError;
use crate::http::input::FormFields;
use crate::notify::preferences::{self, Change, Preferences, PreferencesError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// What the form posts; both are text here, so a wrong value is shown on the page by its field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsForm {
    mode: Option<String>,
    email: Option<String>,
}

impl FormFields for SettingsForm {}

pub struct FieldError {
    field: String,
    text: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct SettingsPage {
    chrome: Chrome,
    csrf_token: String,
    modes: &'static [&'static str],
    current_mode: &'static str,
    email_editable: bool,
    email_value: String,
    address_status: String,
    pending_status: Option<String>,
    saved: bool,
    error: Option<FieldError>,
}
with_chrome!(SettingsPage);

impl SettingsPage {
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.field == field)
    }

    fn error_text(&self) -> &str {
        self.error.as_ref().map_or("", |e| e.text.as_str())
    }

    fn is_current(&self, mode: &&str) -> bool {
        *mode == self.current_mode
    }

    fn mode_label(&self, mode: &&str) -> &'static str {
        self.chrome.t.get(match *mode {
            "daily" => "notifications.mode.daily",
            "off" => "notifications.mode.off",
            _ => "notifications.mode.immediate",
        })
    }
}

fn page(
    req: &HttpRequest,
    who: &Authenticated,
    found: Preferences,
    saved: bool,
    error: Option<FieldError>,
) -> HttpResponse {
    let chrome = Chrome::for_request(req);
    let t = chrome.t;
    let address_status = match &found.email {
        Some(address) => t
            .get("notifications.address_confirmed")
            .replace("{address}", address),
        None => t.get("notifications.address_none").to_owned(),
    };
    let pending_status = found.pending_email.as_deref().map(|address| {
        t.get("notifications.address_pending")
            .replace("{address}", address)
    });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &SettingsPage {
            chrome,
            csrf_token: who.session.csrf_token.clone(),
            modes: NotificationMode::WORDS,
            current_mode: found.mode.as_str(),
            email_editable: found.email_editable,
            email_value: found.email.unwrap_or_default(),
            address_status,
            pending_status,
            saved,
            error,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<Saved>,
) -> HttpResponse {
    match preferences::show(&state, who.account.id).await {
        Ok(found) => page(&req, &who, found, query.saved.is_some(), None),
        Err(e) => refusal(&req, &e),
    }
}

fn change_of(form: &SettingsForm) -> Result<Change, PreferencesError> {
    let mode = form
        .mode
        .as_deref()
        .map(|m| {
            m.parse::<NotificationMode>()
                .map_err(|_| PreferencesError::invalid("mode", "invalid.notifications.mode"))
        })
        .transpose()?;
    let email = form
        .email
        .as_deref()
        .map(|e| Email::parse(e).map_err(|why| PreferencesError::rejected("email", &why)))
        .transpose()?;
    Ok(Change { mode, email })
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<App>,
    form: PageForm<SettingsForm>,
) -> HttpResponse {
    let who = form.who;
    let changed = match change_of(&form.fields) {
        Ok(change) => preferences::change(&state, who.account.id, change).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => see_other("/me/notifications?saved=1".to_owned()),
        Err(e) if e.field().is_some() => {
            let text = e.answer().page_sentence(lang_of(&req));
            let field = e.field().unwrap_or_default().to_owned();
            match preferences::show(&state, who.account.id).await {
                Ok(found) => page(&req, &who, found, false, Some(FieldError { field, text })),
                Err(e) => refusal(&req, &e),
            }
        }
        Err(e) => refusal(&req, &e),
    }
}

pub async fn confirm(
    req: HttpRequest,
    state: web::Data<App>,
    token: web::Path<String>,
) -> HttpResponse {
    match preferences::confirm(&state, &token).await {
        Ok(()) => notice_keys(
            &req,
            "notifications.title",
            "notifications.confirmed",
            "/me/notifications",
            "notifications.title",
        ),
        Err(e) => refusal(&req, &e),
    }
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    action: String,
}
with_chrome!(UnsubscribePage);

pub async fn unsubscribe_page(
    req: HttpRequest,
    state: web::Data<App>,
    token: web::Path<String>,
) -> HttpResponse {
    if let Err(e) = preferences::unsubscribe_account(&state, &token) {
        return refusal(&req, &e);
    }
    let action = format!("/me/notifications/unsubscribe/{}", token.as_str());
    render(
        StatusCode::OK,
        &UnsubscribePage {
            chrome: Chrome::for_request(&req),
            action,
        },
    )
}

/// RFC 8058: the body is `List-Unsubscribe=One-Click`; anything else changes nothing.
pub async fn unsubscribe(
    req: HttpRequest,
    state: web::Data<App>,
    token: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let one_click =
        serde_html_form::from_bytes::<Vec<(String, String)>>(&body).is_ok_and(|pairs| {
            pairs
                .iter()
                .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click")
        });
    if !one_click {
        return refusal(
            &req,
            &PreferencesError::invalid("List-Unsubscribe", "invalid.notifications.one_click"),
        );
    }
    match preferences::unsubscribe(&state, &token).await {
        Ok(()) => notice_keys(
            &req,
            "notifications.unsubscribe_title",
            "notifications.unsubscribed",
            "/",
            "notice.back_home",
        ),
        Err(e) => refusal(&req, &e),
    }
}

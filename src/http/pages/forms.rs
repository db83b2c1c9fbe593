//! What the page forms share: `PageForm`, the one extractor every posted form goes through (the
//! session, its CSRF token, and the fields parsed into the action's input type), and answering
//! with the next page or a page that says what went wrong.

use crate::auth::session::Authenticated;
use crate::auth::tokens::same_secret;
use crate::cases::CaseError;
use crate::domain::ids::CaseId;
use crate::http::input::FormFields;
use crate::http::pages::notice::refusal;
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

/// A form posted from a page by a logged-in person: the session, with the form's `csrf_token`
/// checked against it, and the other fields parsed into `T` (`serde_html_form`: a blank field counts
/// as not sent, a repeated one is a `Vec`). A stale token or a field that does not parse answers a page
/// saying so (422); no session, the session-ended page.
pub struct PageForm<T> {
    pub who: Authenticated,
    pub fields: T,
    /// The form came from a confirmation page (`confirmed=yes`; see confirm.rs).
    pub confirmed: bool,
    /// The filled fields as sent (without the token and `confirmed`), for a confirmation page
    /// to post again.
    pub sent: Vec<(String, String)>,
}

impl<T: DeserializeOwned + FormFields + 'static> FromRequest for PageForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let who = Authenticated::from_request(req, payload);
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let who = who.await?;
            let refuse = |err: CaseError| {
                let page = refusal(&req, &err);
                actix_web::Error::from(InternalError::from_response(err, page))
            };
            if !is_urlencoded(&req) {
                return Err(refuse(CaseError::invalid(
                    "form",
                    "invalid.form.unreadable",
                )));
            }
            let body = body.await?;
            let read = read(&body, &who.session.csrf_token).map_err(refuse)?;
            Ok(PageForm {
                who,
                fields: read.fields,
                confirmed: read.confirmed,
                sent: read.sent,
            })
        })
    }
}

fn is_urlencoded(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

/// A posted form, its token checked.
#[derive(Debug)]
struct Read<T> {
    fields: T,
    confirmed: bool,
    sent: Vec<(String, String)>,
}

/// Checks the token, then parses the fields without it (and without `confirmed`).
fn read<T: DeserializeOwned + FormFields>(
    body: &[u8],
    csrf_token: &str,
) -> Result<Read<T>, CaseError> {
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body)
        .map_err(|_| CaseError::invalid("form", "invalid.form.unreadable"))?;
    let (tokens, fields): (Vec<_>, Vec<_>) =
        pairs.into_iter().partition(|(k, _)| k == "csrf_token");
    let (confirmations, fields): (Vec<_>, Vec<_>) =
        fields.into_iter().partition(|(k, _)| k == "confirmed");
    let confirmed = matches!(confirmations.as_slice(), [(_, yes)] if yes == "yes");
    match tokens.as_slice() {
        [(_, token)] if same_secret(token, csrf_token) => {}
        _ => return Err(CaseError::invalid("csrf_token", "invalid.form.stale")),
    }
    // A blank field is one not filled in, as for the old form helpers: `None`, or the
    // service's "missing" sentence, never an empty value to parse.
    let filled: Vec<_> = fields
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    let rest = serde_html_form::to_string(&filled)
        .map_err(|_| CaseError::invalid("form", "invalid.form.unreadable"))?;
    let deserializer = serde_html_form::Deserializer::from_bytes(rest.as_bytes());
    let fields = serde_path_to_error::deserialize(deserializer).map_err(|err| {
        tracing::debug!(field = %err.path(), error = %err.inner(), "form field does not parse");
        T::unreadable(&err.path().to_string())
    })?;
    Ok(Read {
        fields,
        confirmed,
        sent: filled,
    })
}

/// The page, or a page that says in the reader's language what went wrong.
pub(super) fn answer(req: &HttpRequest, result: Result<HttpResponse, CaseError>) -> HttpResponse {
    super::notice::answer(req, result)
}

pub(super) fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

pub(super) fn back_to(case: CaseId) -> HttpResponse {
    see_other(format!("/cases/{case}"))
}

pub(super) fn not_found() -> CaseError {
    CaseError::Denied(crate::policy::Reason::NotFound)
}

/// A form posted on a case page has done its action: back to the case page, or a page saying
/// why not.
pub(super) fn on_case(
    req: &HttpRequest,
    case: CaseId,
    done: Result<(), CaseError>,
) -> HttpResponse {
    answer(req, done.map(|()| back_to(case)))
}

#[cfg(test)]
mod tests;

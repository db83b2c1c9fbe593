//! What the page forms share: reading fields, the CSRF check, answering with the case page or a
//! page that says what went wrong, and running an action on a case from a posted form.

use super::layout::Chrome;
use super::notice::notice_text;
use crate::auth::session::Authenticated;
use crate::auth::tokens::same_secret;
use crate::cases::CaseError;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::i18n::sentence;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

pub(super) type FormPairs = web::Form<Vec<(String, String)>>;

pub(super) fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

pub(super) fn departments(form: &[(String, String)]) -> Vec<Department> {
    form.iter()
        .filter(|(k, _)| k == "scope")
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

pub(super) fn date(form: &[(String, String)], name: &str) -> Result<Option<time::Date>, CaseError> {
    field(form, name)
        .map(|d| time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")))
        .transpose()
        .map_err(|_| {
            CaseError::invalid(
                "date",
                "write the date as YYYY-MM-DD",
                "skriv datoen som ÅÅÅÅ-MM-DD",
            )
        })
}

/// Not logged in: to the front page. Otherwise the page, or a page saying what went wrong.
pub(super) fn answer(req: &HttpRequest, result: Result<HttpResponse, CaseError>) -> HttpResponse {
    match result {
        Ok(response) => response,
        Err(CaseError::Denied(reason)) if reason.hides_existence() => {
            super::notice::notice(req, StatusCode::NOT_FOUND, "notfound")
        }
        Err(CaseError::Denied(reason)) => notice_text(
            req,
            StatusCode::FORBIDDEN,
            in_language(req, reason.english(), reason.danish()),
        ),
        Err(CaseError::Invalid {
            message, danish, ..
        }) => notice_text(
            req,
            StatusCode::UNPROCESSABLE_ENTITY,
            &sentence(in_language(req, &message, &danish)),
        ),
        Err(CaseError::Conflict { message, danish }) => notice_text(
            req,
            StatusCode::CONFLICT,
            &sentence(in_language(req, &message, &danish)),
        ),
        Err(other) => {
            tracing::error!(error = %other, "case page failed");
            super::notice::notice(req, StatusCode::INTERNAL_SERVER_ERROR, "error")
        }
    }
}

/// The reader's language's text of a message said in both.
fn in_language<'a>(req: &HttpRequest, english: &'a str, danish: &'a str) -> &'a str {
    if Chrome::for_request(req).lang == "en" {
        english
    } else {
        danish
    }
}

pub(super) fn back_to(case: CaseId) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/cases/{case}")))
        .finish()
}

pub(super) fn check_csrf(who: &Authenticated, form: &[(String, String)]) -> Result<(), CaseError> {
    match field(form, "csrf_token") {
        Some(token) if same_secret(token, &who.session.csrf_token) => Ok(()),
        _ => Err(CaseError::invalid(
            "csrf_token",
            "the form was out of date: reload the page and try again",
            "formularen var forældet: genindlæs siden, og prøv igen",
        )),
    }
}

pub(super) fn not_found() -> CaseError {
    CaseError::Denied(crate::policy::Reason::NotFound)
}

pub(super) fn ids(path: &str) -> Result<CaseId, CaseError> {
    CaseId::parse(path).map_err(|_| not_found())
}

/// A form posted on a case page: the token is checked, `action` runs on the case, and the
/// browser goes back to the case page, or gets a page saying why not.
pub(super) async fn on_case<F, Fut>(
    req: &HttpRequest,
    who: &Authenticated,
    form: &[(String, String)],
    case: &str,
    action: F,
) -> HttpResponse
where
    F: FnOnce(CaseId) -> Fut,
    Fut: std::future::Future<Output = Result<(), CaseError>>,
{
    let result = async {
        check_csrf(who, form)?;
        let case = ids(case)?;
        action(case).await?;
        Ok(back_to(case))
    }
    .await;
    answer(req, result)
}

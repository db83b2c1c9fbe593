//! What the page forms share: reading fields, the CSRF check, answering with the case page or a
//! page that says what went wrong, and running an action on a case from a posted form.

use crate::auth::session::Authenticated;
use crate::auth::tokens::same_secret;
use crate::cases::CaseError;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
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
        .map_err(|_| CaseError::invalid("date", "invalid.date"))
}

/// The page, or a page that says in the reader's language what went wrong.
pub(super) fn answer(req: &HttpRequest, result: Result<HttpResponse, CaseError>) -> HttpResponse {
    super::notice::answer(req, result)
}

pub(super) fn back_to(case: CaseId) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/cases/{case}")))
        .finish()
}

pub(super) fn check_csrf(who: &Authenticated, form: &[(String, String)]) -> Result<(), CaseError> {
    match field(form, "csrf_token") {
        Some(token) if same_secret(token, &who.session.csrf_token) => Ok(()),
        _ => Err(CaseError::invalid("csrf_token", "invalid.form.stale")),
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

//! Every route of the service, grouped as the handlers are: pages, login, the JSON API, the
//! development provider and the operations endpoints; and the answers for routes and methods that
//! do not exist.

use super::dev_idp;
use super::pages::{
    access_log, admin, admin_access_log, admin_mail, admin_staff, cases, consent_flow, consents,
    documents, front, given_consent, language, login_required, notice, notifications, participants,
    uploads,
};
use super::problem::Problem;
use super::{api, auth, backchannel, health, openapi, password, scim, static_files};
use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, RETRY_AFTER};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// Every route, in groups. Each is a `resource(..).get(..)` (not `route`) so a wrong method
/// answers 405, not 404. Within a group the first matching path wins: a fixed segment
/// (`/cases/new`) comes before the pattern it would also match (`/cases/{case_id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    pages(cfg);
    auth(cfg);
    api(cfg);
    provisioning(cfg);
    development(cfg);
    operations(cfg);
}

/// The HTML pages; their forms post to the same paths.
fn pages(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").get(front::show));
    cfg.service(web::resource("/lang/{code}").get(language::switch));
    cfg.service(web::resource("/start").get(login_required::start));
    cfg.service(web::resource("/static/{path:.*}").get(static_files::serve));
    cfg.service(web::resource("/favicon.ico").get(static_files::favicon));

    cfg.service(web::resource("/cases").get(cases::list));
    cfg.service(
        web::resource("/cases/new")
            .get(cases::new_form)
            .post(cases::create_case),
    );
    cfg.service(web::resource("/cases/{case_id}").get(cases::show));
    cfg.service(web::resource("/cases/{case_id}/access-log").get(access_log::show));
    cfg.service(web::resource("/cases/{case_id}/status/{change}").post(cases::set_status));

    cfg.service(web::resource("/cases/{case_id}/participants").post(participants::add));
    cfg.service(
        web::resource("/cases/{case_id}/participants/{participant_id}")
            .get(participants::edit_form)
            .post(participants::change_access),
    );
    cfg.service(
        web::resource("/cases/{case_id}/participants/{participant_id}/remove")
            .post(participants::remove),
    );
    cfg.service(
        web::resource("/cases/{case_id}/participants/{participant_id}/grant")
            .post(participants::grant_parent_access),
    );
    cfg.service(web::resource("/cases/{case_id}/coordinator").post(participants::hand_over));
    cfg.service(web::resource("/cases/{case_id}/access-review").post(participants::review_access));

    cfg.service(web::resource("/cases/{case_id}/consents").post(consents::give));
    cfg.service(
        web::resource("/cases/{case_id}/consent")
            .get(consent_flow::show)
            .post(consent_flow::submit),
    );
    cfg.service(
        web::resource("/cases/{case_id}/consents/{consent_id}").get(given_consent::receipt),
    );
    cfg.service(
        web::resource("/cases/{case_id}/consents/{consent_id}/withdraw")
            .get(given_consent::confirm_withdrawal)
            .post(consents::withdraw),
    );

    cfg.service(web::resource("/cases/{case_id}/documents").post(uploads::upload));
    cfg.service(web::resource("/documents/{document_id}").get(documents::show));
    cfg.service(web::resource("/documents/{document_id}/versions").post(uploads::new_version));
    cfg.service(web::resource("/documents/{document_id}/download").get(documents::download_newest));
    cfg.service(
        web::resource("/documents/{document_id}/versions/{n}/download")
            .get(documents::download_version),
    );
    cfg.service(
        web::resource("/documents/{document_id}/versions/{n}/view").get(documents::view_version),
    );
    cfg.service(web::resource("/documents/{document_id}/rename").post(documents::rename));
    cfg.service(web::resource("/documents/{document_id}/delete").post(documents::delete));

    cfg.service(
        web::resource("/me/notifications")
            .get(notifications::show)
            .post(notifications::save),
    );
    cfg.service(web::resource("/me/notifications/confirm/{token}").get(notifications::confirm));
    cfg.service(
        web::resource("/me/notifications/unsubscribe/{token}")
            .get(notifications::unsubscribe_page)
            .post(notifications::unsubscribe),
    );

    cfg.service(web::resource("/admin").get(admin::show));
    cfg.service(web::resource("/admin/mail").get(admin_mail::show));
    cfg.service(web::resource("/admin/access-log").get(admin_access_log::show));
    cfg.service(web::resource("/admin/access-log.csv").get(admin_access_log::csv));
    cfg.service(web::resource("/admin/staff").post(admin::create_staff));
    cfg.service(
        web::resource("/admin/staff/{account_id}")
            .get(admin_staff::show)
            .post(admin::change_staff),
    );
    cfg.service(web::resource("/admin/staff/{account_id}/offboard").post(admin_staff::offboard));
    cfg.service(
        web::resource("/admin/staff/{account_id}/department").post(admin::change_department),
    );
}

/// Logging in and out: OIDC, the staff password and its second factor.
fn auth(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/auth/login/{provider}").get(auth::login));
    cfg.service(web::resource("/auth/callback/{provider}").get(auth::callback));
    cfg.service(
        web::resource("/auth/password")
            .get(password::page)
            .post(password::submit),
    );
    cfg.service(
        web::resource("/auth/totp")
            .get(password::enrol_page)
            .post(password::confirm),
    );
    cfg.service(web::resource("/auth/logout").post(auth::logout));
    cfg.service(web::resource("/auth/logout-everywhere").post(auth::logout_everywhere));
    cfg.service(web::resource("/auth/logged-out").get(auth::logged_out_page));
    cfg.service(
        web::resource("/auth/backchannel-logout/{provider}")
            .app_data(web::PayloadConfig::new(backchannel::MAX_BODY))
            .post(backchannel::logout),
    );
}

/// SCIM 2.0 for the municipalities' directories (bearer tokens, not sessions).
fn provisioning(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/scim/v2/ServiceProviderConfig").get(scim::service_provider_config));
    cfg.service(
        web::resource("/scim/v2/Users")
            .get(scim::list)
            .post(scim::create),
    );
    cfg.service(
        web::resource("/scim/v2/Users/{id}")
            .get(scim::show)
            .put(scim::replace)
            .patch(scim::change)
            .delete(scim::delete),
    );
}

/// The JSON API under /api/v1 (API.md), and its OpenAPI document.
fn api(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/openapi.json").get(openapi::document));
    cfg.service(web::resource("/api/v1/me").get(api::me::show));
    cfg.service(
        web::resource("/api/v1/me/notifications")
            .get(api::notifications::show)
            .put(api::notifications::change),
    );

    cfg.service(
        web::resource("/api/v1/cases")
            .get(api::cases::list)
            .post(api::cases::create),
    );
    cfg.service(web::resource("/api/v1/cases/{case_id}").get(api::cases::show));
    cfg.service(web::resource("/api/v1/cases/{case_id}/access-log").get(api::access_log::show));
    cfg.service(web::resource("/api/v1/cases/{case_id}/access-log.csv").get(api::access_log::csv));
    cfg.service(web::resource("/api/v1/cases/{case_id}/coordinator").post(api::cases::hand_over));
    cfg.service(
        web::resource("/api/v1/cases/{case_id}/access-review").post(api::cases::access_review),
    );
    cfg.service(web::resource("/api/v1/cases/{case_id}/close").post(api::cases::close));
    cfg.service(web::resource("/api/v1/cases/{case_id}/reopen").post(api::cases::reopen));

    cfg.service(web::resource("/api/v1/cases/{case_id}/participants").post(api::participants::add));
    cfg.service(
        web::resource("/api/v1/cases/{case_id}/participants/{participant_id}")
            .patch(api::participants::change)
            .delete(api::participants::remove),
    );
    cfg.service(
        web::resource("/api/v1/cases/{case_id}/participants/{participant_id}/grant")
            .post(api::participants::grant),
    );

    cfg.service(web::resource("/api/v1/cases/{case_id}/consents").post(api::consents::give));
    cfg.service(web::resource("/api/v1/cases/{case_id}/consents/mine").get(api::consents::mine));
    cfg.service(
        web::resource("/api/v1/cases/{case_id}/consents/{consent_id}/withdraw")
            .post(api::consents::withdraw),
    );

    cfg.service(
        web::resource("/api/v1/cases/{case_id}/documents")
            .get(api::documents::list)
            .post(api::documents::upload),
    );
    cfg.service(
        web::resource("/api/v1/documents/{document_id}")
            .get(api::documents::show)
            .patch(api::documents::rename)
            .delete(api::documents::delete),
    );
    cfg.service(
        web::resource("/api/v1/documents/{document_id}/content").get(api::documents::content),
    );
    cfg.service(
        web::resource("/api/v1/documents/{document_id}/versions").post(api::documents::new_version),
    );
    cfg.service(
        web::resource("/api/v1/documents/{document_id}/versions/{n}/content")
            .get(api::documents::version_content),
    );

    cfg.service(
        web::resource("/api/v1/staff")
            .get(api::staff::search)
            .post(api::staff::create),
    );
    cfg.service(web::resource("/api/v1/audit").get(api::audit::search));
    cfg.service(web::resource("/api/v1/audit.csv").get(api::audit::csv));
    cfg.service(web::resource("/api/v1/staff/{account_id}").patch(api::staff::set_flags));
    cfg.service(web::resource("/api/v1/admin/mail/failed").get(api::staff::failed_mail));
    cfg.service(web::resource("/api/v1/admin/overview").get(api::staff::overview));
    cfg.service(web::resource("/api/v1/admin/staff/{account_id}/cases").get(api::staff::grants));
    cfg.service(
        web::resource("/api/v1/admin/staff/{account_id}/department-preview")
            .get(api::staff::department_preview),
    );
    cfg.service(
        web::resource("/api/v1/admin/staff/{account_id}/offboard").post(api::staff::offboard),
    );
}

/// The built-in development identity provider and its list of test identities.
fn development(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/dev-idp/identities").get(api::dev_identities::list));
    cfg.service(
        web::resource("/dev-idp/{realm}/.well-known/openid-configuration").get(dev_idp::discovery),
    );
    cfg.service(web::resource("/dev-idp/{realm}/jwks").get(dev_idp::jwks));
    cfg.service(web::resource("/dev-idp/{realm}/authorize").get(dev_idp::authorize));
    cfg.service(web::resource("/dev-idp/{realm}/token").post(dev_idp::token));
    cfg.service(
        web::resource("/dev-idp/{realm}/userinfo")
            .get(dev_idp::userinfo)
            .post(dev_idp::userinfo),
    );
}

/// Liveness, readiness and metrics, for the platform rather than for people.
fn operations(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").get(health::healthz));
    cfg.service(web::resource("/readyz").get(health::readyz));
    cfg.service(web::resource("/metrics").get(health::metrics));
}

/// No route matched: a page for browsers, problem+json for the API and for scripts.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if wants_html(&req) {
        notice::notice(&req, StatusCode::NOT_FOUND, "notfound")
    } else {
        Problem::not_found("There is nothing at this address.").error_response()
    }
}

/// A browser asking for a page (not the API, not a script).
pub(crate) fn wants_html(req: &HttpRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// A problem+json answer to a browser asking for a page, which an error handler turns into one.
fn is_problem_for_a_browser<B>(res: &ServiceResponse<B>) -> bool {
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/problem+json"));
    is_problem && wants_html(res.request())
}

/// No session (it expired, or the person logged out in another tab): a browser gets a page that
/// says so and leads to the front page to log in again; the API keeps its problem+json.
pub fn unauthenticated<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // A page that answers 401 itself (a wrong password) keeps its own words.
    if !is_problem_for_a_browser(&res) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let page = login_required::login_required(&req);
    let response: ServiceResponse<EitherBody<B>> =
        ServiceResponse::new(req, page).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

/// A dependency out of reach (503): a browser gets a page saying that nothing was saved and to
/// try again in a moment, with the `Retry-After` the problem carried; the API keeps its problem.
pub fn unavailable<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if !is_problem_for_a_browser(&res) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let retry_after = res.headers().get(RETRY_AFTER).cloned();
    let (req, _) = res.into_parts();
    let mut page = notice::notice(&req, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    if let Some(retry_after) = retry_after {
        page.headers_mut().insert(RETRY_AFTER, retry_after);
    }
    let response: ServiceResponse<EitherBody<B>> =
        ServiceResponse::new(req, page).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

/// A route exists but not for this method: 405 as problem+json, keeping the `Allow` header.
pub fn method_not_allowed<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let allow = res.headers().get(actix_web::http::header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut response = Problem::method_not_allowed().error_response();
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    let response: ServiceResponse<EitherBody<B>> =
        ServiceResponse::new(req, response).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

//! Every route of the service, in one table, and the answers for routes and methods that do not
//! exist.

use super::dev_idp;
use super::pages::{self, front, language, notice};
use super::problem::Problem;
use super::{api, auth, health, openapi, password, static_files};
use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ACCEPT;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `resource(..).get(..)` (not `route`) so a wrong method answers 405, not 404.
    cfg.service(web::resource("/").get(front::show))
        .service(web::resource("/lang/{code}").get(language::switch))
        .service(web::resource("/auth/login/{provider}").get(auth::login))
        .service(web::resource("/auth/callback/{provider}").get(auth::callback))
        .service(
            web::resource("/auth/password")
                .get(password::page)
                .post(password::submit),
        )
        .service(
            web::resource("/auth/totp")
                .get(password::enrol_page)
                .post(password::confirm),
        )
        .service(web::resource("/auth/logout").post(auth::logout))
        .service(web::resource("/auth/logout-everywhere").post(auth::logout_everywhere))
        .service(web::resource("/auth/logged-out").get(auth::logged_out_page))
        .service(web::resource("/cases").get(pages::cases::list))
        .service(
            web::resource("/cases/new")
                .get(pages::cases::new_form)
                .post(pages::cases::create_case),
        )
        .service(web::resource("/cases/{case_id}").get(pages::cases::show))
        .service(web::resource("/cases/{case_id}/participants").post(pages::participants::add))
        .service(
            web::resource("/cases/{case_id}/participants/{participant_id}/remove")
                .post(pages::participants::remove),
        )
        .service(
            web::resource("/cases/{case_id}/participants/{participant_id}")
                .get(pages::participants::edit_form)
                .post(pages::participants::change_access),
        )
        .service(
            web::resource("/cases/{case_id}/participants/{participant_id}/grant")
                .post(pages::participants::grant_parent_access),
        )
        .service(web::resource("/cases/{case_id}/coordinator").post(pages::participants::hand_over))
        .service(web::resource("/cases/{case_id}/documents").post(pages::documents::upload))
        .service(web::resource("/documents/{document_id}").get(pages::documents::show))
        .service(
            web::resource("/documents/{document_id}/versions").post(pages::documents::new_version),
        )
        .service(
            web::resource("/documents/{document_id}/download")
                .get(pages::documents::download_newest),
        )
        .service(
            web::resource("/documents/{document_id}/versions/{n}/download")
                .get(pages::documents::download_version),
        )
        .service(web::resource("/documents/{document_id}/rename").post(pages::documents::rename))
        .service(web::resource("/documents/{document_id}/delete").post(pages::documents::delete))
        .service(web::resource("/admin").get(pages::admin::show))
        .service(web::resource("/admin/staff/{account_id}").post(pages::admin::change_staff))
        .service(web::resource("/cases/{case_id}/consents").post(pages::consents::give))
        .service(
            web::resource("/cases/{case_id}/consents/{consent_id}/withdraw")
                .post(pages::consents::withdraw),
        )
        .service(web::resource("/cases/{case_id}/status/{change}").post(pages::cases::set_status))
        .service(web::resource("/api/v1/me").get(api::me::show))
        .service(
            web::resource("/api/v1/cases")
                .get(api::cases::list)
                .post(api::cases::create),
        )
        .service(web::resource("/api/v1/cases/{case_id}").get(api::cases::show))
        .service(web::resource("/api/v1/cases/{case_id}/coordinator").post(api::cases::hand_over))
        .service(web::resource("/api/v1/cases/{case_id}/close").post(api::cases::close))
        .service(web::resource("/api/v1/cases/{case_id}/reopen").post(api::cases::reopen))
        .service(web::resource("/api/v1/cases/{case_id}/participants").post(api::participants::add))
        .service(
            web::resource("/api/v1/cases/{case_id}/participants/{participant_id}")
                .patch(api::participants::change)
                .delete(api::participants::remove),
        )
        .service(
            web::resource("/api/v1/cases/{case_id}/participants/{participant_id}/grant")
                .post(api::participants::grant),
        )
        .service(web::resource("/api/v1/cases/{case_id}/consents").post(api::consents::give))
        .service(
            web::resource("/api/v1/cases/{case_id}/consents/{consent_id}/withdraw")
                .post(api::consents::withdraw),
        )
        .service(
            web::resource("/api/v1/cases/{case_id}/documents")
                .get(api::documents::list)
                .post(api::documents::upload),
        )
        .service(
            web::resource("/api/v1/documents/{document_id}")
                .get(api::documents::show)
                .patch(api::documents::rename)
                .delete(api::documents::delete),
        )
        .service(
            web::resource("/api/v1/documents/{document_id}/content").get(api::documents::content),
        )
        .service(
            web::resource("/api/v1/documents/{document_id}/versions")
                .post(api::documents::new_version),
        )
        .service(
            web::resource("/api/v1/documents/{document_id}/versions/{n}/content")
                .get(api::documents::version_content),
        )
        .service(web::resource("/api/v1/staff").get(api::staff::search))
        .service(web::resource("/api/v1/staff/{account_id}").patch(api::staff::set_flags))
        .service(
            web::resource("/dev-idp/{realm}/.well-known/openid-configuration")
                .get(dev_idp::discovery),
        )
        .service(web::resource("/dev-idp/{realm}/jwks").get(dev_idp::jwks))
        .service(web::resource("/dev-idp/{realm}/authorize").get(dev_idp::authorize))
        .service(web::resource("/dev-idp/{realm}/token").post(dev_idp::token))
        .service(
            web::resource("/dev-idp/{realm}/userinfo")
                .get(dev_idp::userinfo)
                .post(dev_idp::userinfo),
        )
        .service(web::resource("/static/{path:.*}").get(static_files::serve))
        .service(web::resource("/favicon.ico").get(static_files::favicon))
        .service(web::resource("/healthz").get(health::healthz))
        .service(web::resource("/readyz").get(health::readyz))
        .service(web::resource("/metrics").get(health::metrics))
        .service(web::resource("/api/v1/openapi.json").get(openapi::document))
        .service(web::resource("/dev-idp/identities").get(api::dev_identities::list));
}

/// No route matched: a page for browsers, problem+json for the API and for scripts.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if wants_html(&req) {
        notice::notice(&req, StatusCode::NOT_FOUND, "notfound")
    } else {
        Problem::not_found("There is nothing at this address.").error_response()
    }
}

fn wants_html(req: &HttpRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// No session (it expired, or the person logged out in another tab): a browser gets a page that
/// says so and leads to the front page to log in again; the API keeps its problem+json.
pub fn unauthenticated<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/problem+json"));
    // A page that answers 401 itself (a wrong password) keeps its own words.
    if !is_problem || !wants_html(res.request()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let page = notice::notice(&req, StatusCode::UNAUTHORIZED, "session_ended");
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

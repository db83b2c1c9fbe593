//! The OpenAPI document, generated from the handlers' annotations. Each feature adds its paths.

use actix_web::HttpResponse;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vejviser",
        description = "Secure document sharing for the team around a young person in or leaving care."
    ),
    paths(
        super::health::healthz,
        super::health::readyz,
        super::health::metrics,
        super::api::dev_identities::list,
        super::api::me::show,
        super::api::notifications::show,
        super::api::notifications::change,
        super::api::cases::create,
        super::api::cases::list,
        super::api::cases::show,
        super::api::cases::hand_over,
        super::api::cases::access_review,
        super::api::cases::close,
        super::api::cases::reopen,
        super::api::access_log::show,
        super::api::access_log::csv,
        super::api::participants::add,
        super::api::participants::change,
        super::api::participants::remove,
        super::api::participants::grant,
        super::api::consents::give,
        super::api::consents::withdraw,
        super::api::consents::mine,
        super::api::staff::search,
        super::api::audit::search,
        super::api::audit::csv,
        super::api::staff::set_flags,
        super::api::staff::failed_mail,
        super::api::staff::grants,
        super::api::staff::offboard,
        super::api::staff::overview,
        super::api::staff::create,
        super::api::staff::department_preview,
    ),
    components(schemas(super::problem::ProblemBody)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "login", description = "Who is logged in"),
        (name = "cases", description = "Cases, participants and consents"),
        (name = "staff", description = "The municipality's staff"),
        (name = "development", description = "Only on the embedded default")
    )
)]
pub struct ApiDoc;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

//! The OpenAPI document, generated from the handlers' annotations. Each feature adds its paths;
//! `complete` adds what all operations share.

mod complete;

use actix_web::HttpResponse;
use complete::Completion;
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
        super::api::documents::upload,
        super::api::documents::list,
        super::api::documents::show,
        super::api::documents::rename,
        super::api::documents::delete,
        super::api::documents::content,
        super::api::documents::new_version,
        super::api::documents::version_content,
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
    // The ids utoipa names in path parameters but finds in no body.
    components(schemas(
        super::problem::ProblemBody,
        crate::domain::ids::ParticipantId,
        crate::domain::ids::DocumentId
    )),
    modifiers(&Completion),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "login", description = "Who is logged in"),
        (name = "cases", description = "Cases, participants and consents"),
        (name = "documents", description = "Encrypted documents and their versions"),
        (name = "staff", description = "The municipality's staff"),
        (name = "development", description = "Only on the embedded default")
    )
)]
pub struct ApiDoc;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

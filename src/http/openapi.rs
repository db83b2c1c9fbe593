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
    ),
    components(schemas(super::problem::ProblemBody)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "login", description = "Who is logged in"),
        (name = "development", description = "Only on the embedded default")
    )
)]
pub struct ApiDoc;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

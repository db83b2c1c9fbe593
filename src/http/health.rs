//! Liveness, readiness and metrics for the platform.

use super::problem::Problem;
use crate::app::App;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, utoipa::ToSchema)]
pub struct Status {
    status: &'static str,
}

/// 200 while the process runs.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Status)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// 200 when the database and the blob store answer, else 503 naming the failing checks.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, body = Status),
        (status = 503, body = super::problem::ProblemBody, content_type = "application/problem+json")
    )
)]
pub async fn readyz(state: web::Data<App>) -> Result<HttpResponse, Problem> {
    let database = tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()).await;
    let blobs = tokio::time::timeout(CHECK_TIMEOUT, state.blobs.check_ready()).await;
    let mut failing = Vec::new();
    if !matches!(database, Ok(Ok(()))) {
        tracing::warn!("readiness: the database does not answer");
        failing.push("database");
    }
    if !matches!(blobs, Ok(Ok(()))) {
        tracing::warn!("readiness: the blob store does not answer");
        failing.push("blobs");
    }
    if failing.is_empty() {
        Ok(HttpResponse::Ok().json(Status { status: "ready" }))
    } else {
        Err(Problem::service_unavailable(format!(
            "Not ready: {} not answering.",
            failing.join(" and ")
        ))
        .with("failing", &failing))
    }
}

/// Prometheus / OpenMetrics text.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "application/openmetrics-text")))]
pub async fn metrics(state: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.encode())
}

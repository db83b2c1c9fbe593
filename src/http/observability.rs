//! Request logging, request ids and metrics.
//!
//! Each request gets a root span with its request id, method and route pattern: never the path
//! or the query string, which may carry a CPR number in a search. The id is also sent back as
//! `X-Request-Id` so a person reporting a problem can quote it.

use crate::app::App;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use std::time::Instant;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Routes polled by probes and scrapers are logged at debug level only.
const QUIET_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

pub struct PrivacyRootSpan;

impl RootSpanBuilder for PrivacyRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = route_of(request);
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, quiet) = match outcome {
            Ok(response) => (
                response.status(),
                QUIET_ROUTES.contains(
                    &response
                        .request()
                        .match_pattern()
                        .unwrap_or_default()
                        .as_str(),
                ),
            ),
            Err(error) => (error.as_response_error().status_code(), false),
        };
        let _entered = span.enter();
        if status.is_server_error() {
            // Server errors carry our own messages, not the caller's input.
            let cause = match outcome {
                Ok(response) => response.response().error().map(ToString::to_string),
                Err(error) => Some(error.to_string()),
            };
            let cause = cause.unwrap_or_default();
            // A 503 is a dependency out of reach, already logged with its cause where it was
            // answered: an outage, not a fault of ours to page someone about per request.
            if status == actix_web::http::StatusCode::SERVICE_UNAVAILABLE {
                tracing::warn!(status = status.as_u16(), cause, "request refused for now");
            } else {
                tracing::error!(status = status.as_u16(), cause, "request failed");
            }
        } else if quiet {
            tracing::debug!(status = status.as_u16(), "request finished");
        } else {
            tracing::info!(status = status.as_u16(), "request finished");
        }
    }
}

fn route_of(request: &ServiceRequest) -> String {
    request
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned())
}

/// Sends the request id back as `X-Request-Id`, and makes it and the client's address (the
/// peer's, or behind a trusted load balancer the one it forwarded: `client_address`) the
/// request the access log records.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let trusted = req
        .app_data::<actix_web::web::Data<crate::app::App>>()
        .map(|app| app.settings.server.trusted_proxies.clone())
        .unwrap_or_default();
    let client = super::client_address::client_address(req.peer_addr(), req.headers(), &trusted);
    let context = crate::audit::context::RequestContext {
        request_id: request_id.clone(),
        client_address: client.map(|ip| ip.to_string()),
    };
    let mut response = crate::audit::context::scope(context, next.call(req)).await?;
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), id);
    }
    Ok(response)
}

/// Counts and times every request by route pattern.
pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = route_of(&req);
    let state = req.app_data::<web::Data<App>>().cloned();
    let outcome = next.call(req).await;
    if let Some(state) = state {
        let status = match &outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        state.metrics.observe_request(
            &method,
            &route,
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    outcome
}

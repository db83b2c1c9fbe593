//! The one error response of the HTTP layer: RFC 9457 `application/problem+json`.
//!
//! The error policy is written down in `crate::error`. Here, once: every [`UserError`] becomes a
//! `Problem` through its [`Answer`] (`From`, so `?` does it): the kind chooses the status, the
//! English sentence is `detail`, the Danish one `detail_da`, and the answer's extension members
//! follow. Bad input is always a 4xx with a `detail` a person can act on; a 500 means a fault of
//! ours, is logged here with its whole source chain, and says nothing internal.

use crate::error::{Answer, ErrorKind, UserError, chain};
use crate::i18n::Lang;
use actix_web::http::StatusCode;
use actix_web::http::header::{ContentType, HeaderValue, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone)]
pub struct Problem {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    extensions: serde_json::Map<String, serde_json::Value>,
}

/// The JSON body, as the OpenAPI document describes it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in a sentence a person understands.
    pub detail: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            slug,
            title,
            detail: detail.into(),
            extensions: serde_json::Map::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "This address does not accept that HTTP method.",
        )
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn payload_too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            detail,
        )
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    pub fn service_unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "Service unavailable",
            detail,
        )
    }

    /// A fault of ours. The cause is logged by the caller; the response says nothing internal.
    pub fn internal() -> Self {
        Self::from_answer(&Answer::internal())
    }

    /// Adds an extension member (RFC 9457 §3.2), e.g. which checks failed.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.extensions.insert(key.to_owned(), value);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn body(&self) -> ProblemBody {
        ProblemBody {
            kind: format!("urn:vejviser:problem:{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.slug)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header(ContentType(
            CONTENT_TYPE.parse().expect("a valid media type"),
        ));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        response.json(self.body())
    }
}

/// The status and title each kind of error answers with: the one place they are chosen.
pub fn status_of(kind: ErrorKind) -> (StatusCode, &'static str) {
    match kind {
        ErrorKind::BadRequest => (StatusCode::BAD_REQUEST, "Bad request"),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "Not found"),
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "Forbidden"),
        ErrorKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid field"),
        ErrorKind::Conflict => (StatusCode::CONFLICT, "Conflict"),
        ErrorKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"),
        ErrorKind::UnsupportedType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
        }
        ErrorKind::PreconditionFailed => (StatusCode::PRECONDITION_FAILED, "Precondition failed"),
        ErrorKind::PreconditionRequired => {
            (StatusCode::PRECONDITION_REQUIRED, "Precondition required")
        }
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable"),
        ErrorKind::InsufficientStorage => {
            (StatusCode::INSUFFICIENT_STORAGE, "Insufficient storage")
        }
        ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
    }
}

/// How long a 503 asks the client to wait (`Retry-After`): a database restart takes seconds.
pub const RETRY_AFTER_SECONDS: HeaderValue = HeaderValue::from_static("5");

/// Logs what the answer does not say: a fault of ours with its whole chain (once, here), a
/// dependency out of reach at warn, a broken upload at info.
pub fn log_failure(err: &dyn std::error::Error, kind: ErrorKind) {
    match kind {
        ErrorKind::Internal => tracing::error!(error = %chain(err), "request failed"),
        ErrorKind::Unavailable => {
            tracing::warn!(error = %chain(err), "a dependency is out of reach")
        }
        ErrorKind::BadRequest => tracing::info!(error = %chain(err), "bad request"),
        _ => {}
    }
}

impl Problem {
    /// The answer as problem+json: `detail` in English, `detail_da` in Danish.
    pub fn from_answer(answer: &Answer) -> Self {
        let (status, title) = status_of(answer.kind);
        let mut problem = Self::new(status, answer.code, title, answer.detail())
            .with("detail_da", answer.sentence(Lang::Da));
        for (name, value) in &answer.extensions {
            problem.extensions.insert((*name).to_owned(), value.clone());
        }
        problem
    }

    /// Nothing here, or nothing the caller may know about (a malformed id in the path).
    pub fn no_access() -> Self {
        Self::from_answer(&Answer::not_found())
    }
}

/// `Problem` itself is never a `UserError`, so this does not clash with `From<Problem>`.
impl<E: UserError> From<E> for Problem {
    fn from(err: E) -> Self {
        let answer = err.answer();
        log_failure(&err, answer.kind);
        Self::from_answer(&answer)
    }
}

/// Malformed or oversized JSON bodies answer problem+json (wired in `routes`).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let problem = match &err {
        E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => {
            Problem::payload_too_large(format!("The JSON body is larger than {limit} bytes."))
        }
        E::ContentType => Problem::unsupported_media_type("Send the body as application/json."),
        E::Deserialize(e) if e.is_data() => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-body",
            "Invalid body",
            format!("The JSON body does not have the expected fields: {e}."),
        ),
        E::Deserialize(e) => Problem::bad_request(format!("The body is not valid JSON: {e}.")),
        _ => Problem::bad_request("The JSON body could not be read."),
    };
    problem.into()
}

/// Query strings that do not parse answer problem+json.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    Problem::bad_request(format!("The query string is not valid: {err}.")).into()
}

/// A path segment that does not parse (a malformed id) answers exactly as an id nobody may see:
/// the not-found page for a browser, problem+json for the API.
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    let response = if crate::http::routes::wants_html(req) {
        crate::http::pages::notice::notice(req, StatusCode::NOT_FOUND, "notfound")
    } else {
        Problem::no_access().error_response()
    };
    actix_web::error::InternalError::from_response(err, response).into()
}

#[cfg(test)]
mod tests;

//! SCIM's error response (RFC 7644 §3.12): `{"schemas": [...Error], "status": "409", "scimType":
//! "uniqueness", "detail": "..."}` as `application/scim+json`, the status a string.

use crate::staff::directory::DirectoryError;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const CONTENT_TYPE: &str = "application/scim+json";

#[derive(Debug, thiserror::Error)]
#[error("{status} {detail}")]
pub struct ScimError {
    pub status: StatusCode,
    /// RFC 7644 Table 9's `scimType`, for 400 and 409.
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn unauthorized() -> Self {
        let detail = "a valid bearer token is required (Authorization: Bearer <token>)";
        Self::new(StatusCode::UNAUTHORIZED, None, detail)
    }
}

impl From<DirectoryError> for ScimError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::NotFound => Self::new(
                StatusCode::NOT_FOUND,
                None,
                "no such user in this municipality",
            ),
            DirectoryError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                "another staff member of the municipality has this userName (e-mail)",
            ),
            DirectoryError::CoordinatesCases(n) => Self::new(
                StatusCode::CONFLICT,
                None,
                format!(
                    "the user coordinates {n} case(s) and cannot be deactivated or deleted until a \
                     municipal admin has handed them over in vejviser (the admin page lists this \
                     request); try again after that"
                ),
            ),
            DirectoryError::Store(e) => {
                tracing::error!(error = %e, "SCIM request failed in the database");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    "the service cannot answer now; try again",
                )
            }
        }
    }
}

impl ResponseError for ScimError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        let mut response = HttpResponse::build(self.status);
        response
            .content_type(CONTENT_TYPE)
            .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")));
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.body(body.to_string())
    }
}

//! How the case services' errors answer over HTTP: a denial the policy says must hide the case is
//! the same 404 as a case that does not exist; other denials are 403 with the reason, in words.

use crate::cases::CaseError;
use crate::http::problem::Problem;
use crate::i18n::sentence;

/// The English detail keeps its form "field: fragment."; the Danish one is a sentence of its own.
fn with_full_stop(fragment: &str) -> String {
    format!("{}.", fragment.trim().trim_end_matches('.'))
}
use actix_web::http::StatusCode;

impl From<CaseError> for Problem {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Denied(reason) if reason.hides_existence() => {
                Problem::not_found("There is nothing at this address, or you have no access to it.")
            }
            CaseError::Denied(reason) => Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                reason.english(),
            )
            .with("reason", reason.code())
            .with("detail_da", reason.danish()),
            CaseError::Invalid {
                field,
                message,
                danish,
            } => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-field",
                "Invalid field",
                format!("{field}: {}", with_full_stop(&message)),
            )
            .with("field", field)
            .with("detail_da", sentence(&danish)),
            CaseError::Conflict { message, danish } => {
                Problem::conflict(message).with("detail_da", danish)
            }
            CaseError::Store(e) => e.into(),
            CaseError::Internal(reason) => {
                tracing::error!(reason, "case service failed");
                Problem::internal()
            }
        }
    }
}

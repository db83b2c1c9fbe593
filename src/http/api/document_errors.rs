//! How the document services' errors answer over HTTP (API.md "Documents"): 413 and 415 for the
//! limits, 412 for a stale `If-Match`, 428 without one; faults of ours are logged, never shown.

use crate::blobs::BlobError;
use crate::documents::DocumentError;
use crate::http::problem::Problem;
use actix_web::http::StatusCode;

impl From<DocumentError> for Problem {
    fn from(err: DocumentError) -> Self {
        match err {
            DocumentError::Case(e) => e.into(),
            DocumentError::TooLarge { max } => Problem::payload_too_large(format!(
                "The file is larger than the {} MiB allowed.",
                max / (1024 * 1024)
            ))
            .with("max_bytes", max),
            DocumentError::UnsupportedType { found } => Problem::unsupported_media_type(
                "Files of this type are not accepted. Upload PDF, Word, Excel, OpenDocument text, PNG, JPEG or plain text.",
            )
            .with("found", found),
            DocumentError::Stale { current } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "stale-version",
                "Precondition failed",
                format!("Someone uploaded a newer version ({current}) meanwhile: download it and make your changes to that."),
            )
            .with("current_version", current),
            DocumentError::PreconditionRequired => Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-required",
                "Precondition required",
                "Send If-Match with the version your changes are based on, like If-Match: \"1\".",
            ),
            DocumentError::Interrupted(reason) => {
                tracing::info!(reason, "upload interrupted");
                Problem::bad_request("The upload was interrupted or malformed. Please try again.")
            }
            DocumentError::Store(e) => e.into(),
            DocumentError::Blob(BlobError::NotFound) => {
                tracing::error!("integrity failure: a version's blob is missing from the store");
                Problem::internal()
            }
            other => {
                tracing::error!(error = %other, "document service failed");
                Problem::internal()
            }
        }
    }
}

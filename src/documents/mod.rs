//! Encrypted documents with versions (DESIGN.md §4, API.md "Documents"). Uploads stream through
//! sniffing, hashing and encryption into the blob store; downloads stream back through decryption
//! and a hash check. The policy decides every read and write, as for the rest of the case.

pub mod case_key;
pub mod download;
pub mod file_name;
pub mod service;
pub mod sniff;
pub mod sweeper;
pub mod upload;
pub mod upload_form;

use crate::blobs::BlobError;
use crate::cases::CaseError;
use crate::crypto::seal::SealError;
use crate::crypto::stream::StreamError;
use crate::domain::document_kind::DocumentKind;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("files of this type are not accepted (found: {found})")]
    UnsupportedType { found: String },
    #[error("the document has a newer version ({current})")]
    Stale { current: i64 },
    #[error("a new version needs If-Match with the version it is based on")]
    PreconditionRequired,
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("key handling failed: {0}")]
    Key(#[from] SealError),
    #[error("encryption failed: {0}")]
    Stream(#[from] StreamError),
    /// A stored version does not decrypt to what was uploaded (already logged as such).
    #[error("integrity: {0}")]
    Integrity(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DocumentError {
    pub fn invalid(field: &'static str, english: impl ToString, danish: impl ToString) -> Self {
        Self::Case(CaseError::invalid(field, english, danish))
    }
}

pub type DocumentResult<T> = Result<T, DocumentError>;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 2000;

pub fn check_kind(kind: &str) -> DocumentResult<DocumentKind> {
    kind.parse().map_err(|_| {
        DocumentError::invalid(
            "kind",
            format!("choose one of {}", DocumentKind::WORDS.join(", ")),
            "vælg en af dokumenttyperne",
        )
    })
}

/// A title is one line of visible text.
pub fn check_title(title: &str) -> DocumentResult<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DocumentError::invalid(
            "title",
            "give the document a title",
            "giv dokumentet en titel",
        ));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(DocumentError::invalid(
            "title",
            format!("a title can be at most {MAX_TITLE_CHARS} characters"),
            format!("titlen kan højst have {MAX_TITLE_CHARS} tegn"),
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(DocumentError::invalid(
            "title",
            "a title cannot contain control characters or line breaks",
            "titlen kan ikke indeholde kontroltegn eller linjeskift",
        ));
    }
    Ok(title.to_owned())
}

pub fn check_note(note: Option<&str>) -> DocumentResult<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(DocumentError::invalid(
            "note",
            format!("a note can be at most {MAX_NOTE_CHARS} characters"),
            format!("noten kan højst have {MAX_NOTE_CHARS} tegn"),
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DocumentError::invalid(
            "note",
            "a note cannot contain control characters",
            "noten kan ikke indeholde kontroltegn",
        ));
    }
    Ok(Some(note.to_owned()))
}

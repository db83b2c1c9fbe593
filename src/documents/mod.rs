//! Encrypted documents with versions (DESIGN.md §4, API.md "Documents"). Uploads stream through
//! sniffing, hashing and encryption into the blob store; downloads stream back through decryption
//! and a hash check. The policy decides every read and write, as for the rest of the case.

pub mod case_key;
pub mod content_check;
pub mod download;
pub mod duplicates;
pub mod file_name;
pub mod reading;
pub mod scrub;
pub mod scrub_worker;
pub mod sealing;
pub mod service;
pub mod sniff;
pub mod sweeper;
pub mod upload;
pub mod upload_form;
pub mod upload_idle;

use crate::blobs::BlobError;
use crate::cases::CaseError;
use crate::crypto::seal::SealError;
use crate::crypto::stream::StreamError;
use crate::domain::document_kind::DocumentKind;
use crate::domain::file_type::FileType;
use crate::error::{Answer, Arg, ErrorKind, UserError};
use crate::store::StoreError;
use download::DownloadError;
use sniff::Familiar;

/// What the document services refuse or fail with; how each answers is [`UserError::answer`]
/// (API.md "Documents": 413 and 415 for the limits, 412 for a stale `If-Match`, 428 without one).
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    /// `allowed` are the types the configuration accepts.
    #[error("files of this type are not accepted (found: {found})")]
    UnsupportedType {
        found: String,
        allowed: Vec<FileType>,
        /// A kind the refusal can give advice for (an iPhone photo, an old Word file).
        familiar: Option<Familiar>,
    },
    /// The file began as `found` but is not that throughout (binary after a text prefix, a
    /// format's end missing); its blob is discarded.
    #[error("the file is not {found:?} throughout: {mismatch:?}")]
    NotAsSniffed {
        found: FileType,
        mismatch: content_check::Mismatch,
    },
    /// A refusal of the file itself, naming the file as the person chose it, so a page can say
    /// which file and what to do with it.
    #[error("{file_name}: {refusal}")]
    Named {
        file_name: String,
        refusal: Box<DocumentError>,
    },
    #[error("the document has a newer version ({current})")]
    Stale { current: i64 },
    #[error("a new version needs If-Match with the version it is based on")]
    PreconditionRequired,
    /// The body broke off or is not a form; the text says where.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("key handling failed: {0}")]
    Key(#[from] SealError),
    #[error("encryption failed: {0}")]
    Stream(#[from] StreamError),
    /// A stored version does not decrypt to what was uploaded (already logged as such).
    #[error("download failed: {0}")]
    Download(#[from] DownloadError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DocumentError {
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        Self::Case(CaseError::invalid(field, key))
    }

    /// The refusal naming the file it is about, when it is a refusal of the file (its size or
    /// type); any other error as it is.
    pub fn naming_file(self, file_name: &str) -> Self {
        match self {
            Self::TooLarge { .. } | Self::UnsupportedType { .. } | Self::NotAsSniffed { .. }
                if !file_name.trim().is_empty() =>
            {
                Self::Named {
                    file_name: shortened(file_name.trim()),
                    refusal: Box::new(self),
                }
            }
            other => other,
        }
    }

    pub fn invalid_with(
        field: &'static str,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
    ) -> Self {
        Self::Case(CaseError::invalid_with(field, key, args))
    }
}

impl UserError for DocumentError {
    fn answer(&self) -> Answer {
        use ErrorKind as K;
        match self {
            Self::Case(e) => e.answer(),
            Self::TooLarge { max } => {
                let mib = i64::try_from(max / (1024 * 1024)).unwrap_or(i64::MAX);
                Answer::new(K::TooLarge, "payload-too-large", "error.too_large")
                    .on_pages("doc_error.too_large")
                    .arg("max_mib", Arg::Number(mib))
                    .arg("max", Arg::Limit(*max))
                    .with("max_bytes", max)
            }
            Self::Named { file_name, refusal } => {
                let answer = refusal.answer();
                match named_page_key(refusal, file_name) {
                    Some(key) => answer
                        .on_pages(key)
                        .arg("file", Arg::Text(file_name.clone())),
                    None => answer,
                }
            }
            Self::UnsupportedType {
                found,
                allowed,
                familiar: _,
            } => Answer::new(
                K::UnsupportedType,
                "unsupported-media-type",
                "error.unsupported_type",
            )
            .on_pages("doc_error.unsupported")
            .arg("types", Arg::Keys(type_keys(allowed)))
            .with("found", found),
            Self::NotAsSniffed { found, mismatch } => Answer::new(
                K::UnsupportedType,
                "content-mismatch",
                "error.content_mismatch",
            )
            .on_pages("doc_error.content_mismatch")
            .arg("type", Arg::Keys(type_keys(&[*found])))
            .with("found", found.media_type())
            .with("mismatch", mismatch.code()),
            Self::Stale { current } => {
                Answer::new(K::PreconditionFailed, "stale-version", "error.stale")
                    .on_pages("doc_error.stale")
                    .arg("current", Arg::Number(*current))
                    .with("current_version", current)
            }
            // A page form cannot send If-Match: its stand-in is missing, so the form is stale.
            Self::PreconditionRequired => Answer::new(
                K::PreconditionRequired,
                "if-match-required",
                "error.if_match_required",
            )
            .on_pages("doc_error.reload"),
            Self::Interrupted(_) => Answer::new(K::BadRequest, "bad-request", "error.interrupted")
                .on_pages("doc_error.interrupted"),
            Self::Store(e) => e.answer(),
            Self::Blob(e) if e.is_storage_full() => {
                Answer::new(K::InsufficientStorage, "storage-full", "error.storage_full")
            }
            Self::Blob(BlobError::Unavailable(_))
            | Self::Download(DownloadError::Blob(BlobError::Unavailable(_))) => Answer::new(
                K::Unavailable,
                "storage-unavailable",
                "error.storage_unavailable",
            ),
            Self::Blob(_) | Self::Key(_) | Self::Stream(_) | Self::Download(_) => {
                Answer::internal()
            }
        }
    }
}

/// What a page says of a refused file it can name: which file, and the way out for the kinds
/// people often have (an iPhone photo: save it as JPEG or PDF; an old Word file: save as .docx).
fn named_page_key(refusal: &DocumentError, file_name: &str) -> Option<&'static str> {
    use DocumentError as E;
    let spreadsheet = file_name.to_lowercase().ends_with(".xls");
    Some(match refusal {
        E::TooLarge { .. } => "doc_error.named.too_large",
        E::UnsupportedType { familiar, .. } => match familiar {
            Some(Familiar::IphonePhoto) => "doc_error.named.iphone_photo",
            Some(Familiar::OldOffice) if spreadsheet => "doc_error.named.old_excel",
            Some(Familiar::OldOffice) => "doc_error.named.old_word",
            None => "doc_error.named.unsupported",
        },
        E::NotAsSniffed { .. } => "doc_error.named.content_mismatch",
        _ => return None,
    })
}

/// A file name as a sentence quotes it: at most 80 characters, the end (with the extension) kept.
fn shortened(name: &str) -> String {
    const MAX: usize = 80;
    let count = name.chars().count();
    if count <= MAX {
        return name.to_owned();
    }
    let head: String = name.chars().take(MAX - 20).collect();
    let tail: String = name.chars().skip(count - 19).collect();
    format!("{head}…{tail}")
}

/// The catalogue keys naming the types `allowed` ("filetype.pdf", ...).
pub fn type_keys(allowed: &[FileType]) -> Vec<String> {
    allowed
        .iter()
        .map(|file_type| format!("filetype.{}", file_type.short_name()))
        .collect()
}

pub type DocumentResult<T> = Result<T, DocumentError>;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 2000;

pub fn check_kind(kind: &str) -> DocumentResult<DocumentKind> {
    kind.parse().map_err(|_| {
        DocumentError::invalid_with(
            "kind",
            "invalid.kind",
            vec![("kinds", Arg::Text(DocumentKind::WORDS.join(", ")))],
        )
    })
}

/// A title is one line of visible text.
pub fn check_title(title: &str) -> DocumentResult<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DocumentError::invalid("title", "invalid.title.empty"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(DocumentError::invalid_with(
            "title",
            "invalid.title.too_long",
            vec![("max", Arg::Number(MAX_TITLE_CHARS as i64))],
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(DocumentError::invalid("title", "invalid.title.control"));
    }
    Ok(title.to_owned())
}

pub fn check_note(note: Option<&str>) -> DocumentResult<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(DocumentError::invalid_with(
            "note",
            "invalid.note.too_long",
            vec![("max", Arg::Number(MAX_NOTE_CHARS as i64))],
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DocumentError::invalid("note", "invalid.note.control"));
    }
    Ok(Some(note.to_owned()))
}

//! Reading a document upload form (`multipart/form-data`), shared by the API and the pages. The
//! file is streamed into the blob store as it arrives; the short text fields may come before or
//! after it. A page form must send its CSRF token as the first field, so a forged post is refused
//! before a byte of its file is read.

use crate::auth::tokens::same_secret;
use crate::crypto::keys::CaseKey;
use crate::documents::service::{self, CreatedVersion, UploadFields};
use crate::documents::upload::{self, StoredFile};
use crate::documents::{DocumentError, DocumentResult};
use crate::domain::ids::{CaseId, DocumentId};
use crate::http::state::AppState;
use crate::policy::Actor;
use actix_multipart::{Field, Multipart};
use actix_web::HttpRequest;
use actix_web::http::header;
use futures_util::{StreamExt, TryStreamExt};

/// The longest text field (title, kind, note, token) read from a form.
const MAX_TEXT_FIELD: usize = 8 * 1024;

/// The form's fields once the file is stored.
#[derive(Default)]
pub struct UploadForm {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub note: Option<String>,
    pub file_name: String,
}

/// Who sends the form: the API (cookie or token, checked by the middleware), or a page form,
/// which carries the session's CSRF token as its first field.
#[derive(Clone, Copy)]
pub enum Sender<'a> {
    Api,
    Page { csrf_token: &'a str },
}

async fn read_text(mut field: Field, name: &'static str) -> DocumentResult<String> {
    let mut bytes = Vec::new();
    while let Some(piece) = field.next().await {
        let piece = piece.map_err(|e| DocumentError::Interrupted(e.to_string()))?;
        if bytes.len() + piece.len() > MAX_TEXT_FIELD {
            return Err(DocumentError::invalid(
                name,
                "too long",
                "feltet er for langt",
            ));
        }
        bytes.extend_from_slice(&piece);
    }
    String::from_utf8(bytes).map_err(|_| {
        DocumentError::invalid(
            name,
            format!("the field {name} must be UTF-8 text"),
            format!("feltet {name} skal være tekst"),
        )
    })
}

fn stale_form() -> DocumentError {
    DocumentError::invalid(
        "csrf_token",
        "the form was out of date: reload the page and try again",
        "formularen var forældet: genindlæs siden, og prøv igen",
    )
}

/// A page form's first field must be the session's CSRF token; checked before anything else, so
/// a forged post learns nothing (not even whether the document exists).
async fn check_sender(payload: &mut Multipart, sender: Sender<'_>) -> DocumentResult<()> {
    let Sender::Page {
        csrf_token: expected,
    } = sender
    else {
        return Ok(());
    };
    let first = payload
        .try_next()
        .await
        .map_err(|e| DocumentError::Interrupted(e.to_string()))?;
    match first {
        Some(field) if field.name() == Some("csrf_token") => {
            let token = read_text(field, "csrf_token").await?;
            if same_secret(token.trim(), expected) {
                Ok(())
            } else {
                Err(stale_form())
            }
        }
        _ => Err(stale_form()),
    }
}

fn no_file() -> DocumentError {
    DocumentError::invalid(
        "file",
        "choose a file to upload",
        "vælg den fil, du vil uploade",
    )
}

/// A text field may come once: a form repeating one is not what a browser sends.
fn set_once(slot: &mut Option<String>, value: String, name: &'static str) -> DocumentResult<()> {
    if slot.replace(value).is_some() {
        return Err(DocumentError::invalid(
            name,
            "send each field once",
            "send hvert felt én gang",
        ));
    }
    Ok(())
}

/// Reads the form, storing the file as it streams past into `stored`.
async fn read_fields(
    state: &AppState,
    case: CaseId,
    case_key: &CaseKey,
    payload: &mut Multipart,
    form: &mut UploadForm,
    stored: &mut Option<StoredFile>,
) -> DocumentResult<()> {
    while let Some(field) = payload
        .try_next()
        .await
        .map_err(|e| DocumentError::Interrupted(e.to_string()))?
    {
        match field.name().unwrap_or_default() {
            "file" if stored.is_none() => {
                form.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                *stored = Some(upload::receive(state, case, case_key, field).await?);
            }
            "file" => {
                return Err(DocumentError::invalid(
                    "file",
                    "send one file per upload",
                    "send én fil ad gangen",
                ));
            }
            "title" => set_once(&mut form.title, read_text(field, "title").await?, "title")?,
            "kind" => set_once(&mut form.kind, read_text(field, "kind").await?, "kind")?,
            "note" => set_once(&mut form.note, read_text(field, "note").await?, "note")?,
            _ => {
                return Err(DocumentError::invalid(
                    "form",
                    "unknown field",
                    "formularen har et ukendt felt",
                ));
            }
        }
    }
    Ok(())
}

/// Reads the whole form; on any failure a file already stored is discarded again.
async fn receive(
    state: &AppState,
    case: CaseId,
    case_key: &CaseKey,
    mut payload: Multipart,
) -> DocumentResult<(UploadForm, StoredFile)> {
    let mut form = UploadForm::default();
    let mut stored = None;
    let read = read_fields(state, case, case_key, &mut payload, &mut form, &mut stored).await;
    match (read, stored) {
        // What a browser sends when no file was chosen: an empty part without a name.
        (Ok(()), Some(file)) if file.size == 0 && form.file_name.trim().is_empty() => {
            upload::discard(state, &file).await;
            Err(no_file())
        }
        (Ok(()), Some(file)) => Ok((form, file)),
        (Err(e), Some(file)) => {
            upload::discard(state, &file).await;
            Err(e)
        }
        (Err(e), None) => Err(e),
        (Ok(()), None) => Err(no_file()),
    }
}

/// A new document in `case` from an upload form: permission first, then the body.
pub async fn new_document(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    sender: Sender<'_>,
    case: CaseId,
    mut payload: Multipart,
) -> DocumentResult<CreatedVersion> {
    check_sender(&mut payload, sender).await?;
    let case_key = service::begin_document(state, actor, case).await?;
    check_declared_length(req, state)?;
    let (form, file) = receive(state, case, &case_key, payload).await?;
    let fields = UploadFields {
        title: form.title.as_deref(),
        kind: form.kind.as_deref(),
        note: form.note.as_deref(),
        file_name: &form.file_name,
    };
    service::finish_document(state, actor, case, fields, file).await
}

/// A new version of `document` built on version `based_on`: permission and a current base
/// first, then the body. The form takes a file and a note only.
pub async fn new_version(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    sender: Sender<'_>,
    (document, based_on): (DocumentId, i64),
    mut payload: Multipart,
) -> DocumentResult<CreatedVersion> {
    check_sender(&mut payload, sender).await?;
    let (document, case_key) = service::begin_version(state, actor, document, based_on).await?;
    check_declared_length(req, state)?;
    let (form, file) = receive(state, document.case_id, &case_key, payload).await?;
    if form.title.is_some() || form.kind.is_some() {
        upload::discard(state, &file).await;
        return Err(DocumentError::invalid(
            "form",
            "a new version takes a file and a note only",
            "en ny version består kun af en fil og en note",
        ));
    }
    let note = form.note.as_deref();
    service::finish_version(
        state,
        actor,
        &document,
        based_on,
        note,
        &form.file_name,
        file,
    )
    .await
}

/// A declared body far past the limit is refused before a byte is read.
fn check_declared_length(req: &HttpRequest, state: &AppState) -> DocumentResult<()> {
    let max = state.settings.documents.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Room for the form's other fields and boundaries.
    match declared {
        Some(length) if length > max.saturating_add(64 * 1024) => {
            Err(DocumentError::TooLarge { max })
        }
        _ => Ok(()),
    }
}

//! Reading a document upload form, shared by the API and the pages. The HTTP edge hands over
//! the form's parts as they arrive (`FormParts`: it adapts a `multipart/form-data` body). The
//! file is streamed into the blob store as it arrives; the short text fields may come before or
//! after it. A page form must send its CSRF token as the first field, so a forged post is refused
//! before a byte of its file is read.

use super::service::{self, CreatedVersion, UploadFields};
use super::upload::{self, StoredFile};
use super::upload_idle::Watched;
use super::{DocumentError, DocumentResult};
use crate::app::App;
use crate::auth::tokens::same_secret;
use crate::crypto::keys::CaseKey;
use crate::domain::ids::{CaseId, DocumentId};
use crate::error::Arg;
use crate::policy::Actor;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

/// One part of a form: its field name, the file name it declares (file parts), and its bytes.
pub struct FormPart<B> {
    pub name: String,
    pub file_name: Option<String>,
    pub body: B,
}

/// The parts of an upload form in the order they arrive; each part's body must be read (or
/// dropped) before the next part is asked for.
pub trait FormParts {
    type Error: Display;
    type Body: Stream<Item = Result<Bytes, Self::Error>> + Unpin;
    fn next_part(
        &mut self,
    ) -> impl Future<Output = Result<Option<FormPart<Self::Body>>, Self::Error>>;
}

/// The request around the form: who sends it and the length it declares.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    pub sender: Sender<'a>,
    /// The body's `Content-Length`, when the client sent one.
    pub declared_length: Option<u64>,
}

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

async fn read_text<B, E>(mut body: B, name: &'static str) -> DocumentResult<String>
where
    B: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let mut bytes = Vec::new();
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|e| DocumentError::Interrupted(e.to_string()))?;
        if bytes.len() + piece.len() > MAX_TEXT_FIELD {
            return Err(DocumentError::invalid(name, "invalid.form.too_long"));
        }
        bytes.extend_from_slice(&piece);
    }
    String::from_utf8(bytes).map_err(|_| {
        DocumentError::invalid_with(
            name,
            "invalid.form.not_text",
            vec![("name", Arg::Text(name.to_owned()))],
        )
    })
}

fn stale_form() -> DocumentError {
    DocumentError::invalid("csrf_token", "invalid.form.stale")
}

/// A page form's first field must be the session's CSRF token; checked before anything else, so
/// a forged post learns nothing (not even whether the document exists).
async fn check_sender<P: FormParts>(parts: &mut P, sender: Sender<'_>) -> DocumentResult<()> {
    let Sender::Page {
        csrf_token: expected,
    } = sender
    else {
        return Ok(());
    };
    let first = next_part(parts).await?;
    match first {
        Some(part) if part.name == "csrf_token" => {
            let token = read_text(part.body, "csrf_token").await?;
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
    DocumentError::invalid("file", "invalid.file.missing")
}

/// A text field may come once: a form repeating one is not what a browser sends.
fn set_once(slot: &mut Option<String>, value: String, name: &'static str) -> DocumentResult<()> {
    if slot.replace(value).is_some() {
        return Err(DocumentError::invalid(name, "invalid.form.twice"));
    }
    Ok(())
}

async fn next_part<P: FormParts>(parts: &mut P) -> DocumentResult<Option<FormPart<P::Body>>> {
    parts
        .next_part()
        .await
        .map_err(|e| DocumentError::Interrupted(e.to_string()))
}

/// Reads the form, storing the file as it streams past into `stored`.
async fn read_fields<P: FormParts>(
    state: &App,
    case: CaseId,
    case_key: &CaseKey,
    parts: &mut P,
    form: &mut UploadForm,
    stored: &mut Option<StoredFile>,
) -> DocumentResult<()> {
    while let Some(part) = next_part(parts).await? {
        let field = part.body;
        match part.name.as_str() {
            "file" if stored.is_none() => {
                form.file_name = part.file_name.unwrap_or_default();
                let received = upload::receive(state, case, case_key, field).await;
                *stored = Some(received.map_err(|e| e.naming_file(&form.file_name))?);
            }
            "file" => {
                return Err(DocumentError::invalid("file", "invalid.file.one"));
            }
            "title" => set_once(&mut form.title, read_text(field, "title").await?, "title")?,
            "kind" => set_once(&mut form.kind, read_text(field, "kind").await?, "kind")?,
            "note" => set_once(&mut form.note, read_text(field, "note").await?, "note")?,
            _ => {
                return Err(DocumentError::invalid("form", "invalid.form.unknown_field"));
            }
        }
    }
    Ok(())
}

/// Reads the whole form; on any failure a file already stored is discarded again.
async fn receive<P: FormParts>(
    state: &App,
    case: CaseId,
    case_key: &CaseKey,
    mut parts: P,
) -> DocumentResult<(UploadForm, StoredFile)> {
    let mut form = UploadForm::default();
    let mut stored = None;
    let read = read_fields(state, case, case_key, &mut parts, &mut form, &mut stored).await;
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
pub async fn new_document<P: FormParts>(
    state: &App,
    actor: &Actor,
    request: Request<'_>,
    case: CaseId,
    parts: P,
) -> DocumentResult<CreatedVersion> {
    let mut parts = watched(state, parts);
    check_sender(&mut parts, request.sender).await?;
    let case_key = service::begin_document(state, actor, case).await?;
    check_declared_length(request, state, &mut parts).await?;
    let (form, file) = receive(state, case, &case_key, parts).await?;
    let fields = UploadFields {
        title: form.title.as_deref(),
        kind: form.kind.as_deref(),
        note: form.note.as_deref(),
        file_name: &form.file_name,
    };
    service::finish_document(state, actor, (case, &case_key), fields, file).await
}

/// A new version of `document` built on version `based_on`: permission and a current base
/// first, then the body. The form takes a file and a note only.
pub async fn new_version<P: FormParts>(
    state: &App,
    actor: &Actor,
    request: Request<'_>,
    (document, based_on): (DocumentId, i64),
    parts: P,
) -> DocumentResult<CreatedVersion> {
    let mut parts = watched(state, parts);
    check_sender(&mut parts, request.sender).await?;
    let (document, case_key) = service::begin_version(state, actor, document, based_on).await?;
    check_declared_length(request, state, &mut parts).await?;
    let (form, file) = receive(state, document.case_id, &case_key, parts).await?;
    if form.title.is_some() || form.kind.is_some() {
        upload::discard(state, &file).await;
        return Err(DocumentError::invalid(
            "form",
            "invalid.form.version_fields",
        ));
    }
    let note = form.note.as_deref();
    service::finish_version(
        state,
        actor,
        (&document, &case_key),
        based_on,
        note,
        &form.file_name,
        file,
    )
    .await
}

/// The form's parts with every wait for the client limited (`documents.body_idle_timeout_secs`).
fn watched<P: FormParts>(state: &App, parts: P) -> Watched<P> {
    let idle = Duration::from_secs(state.settings.documents.body_idle_timeout_secs);
    Watched::new(parts, idle)
}

/// A declared body far past the limit is refused before a byte of the file is read. A page
/// form is read up to the file's part header first (its small fields come before it), so the
/// refusal can name the file.
async fn check_declared_length<P: FormParts>(
    request: Request<'_>,
    state: &App,
    parts: &mut P,
) -> DocumentResult<()> {
    let max = state.settings.documents.max_upload_bytes;
    // Room for the form's other fields and boundaries.
    let too_large = request
        .declared_length
        .is_some_and(|length| length > max.saturating_add(64 * 1024));
    if !too_large {
        return Ok(());
    }
    let refusal = DocumentError::TooLarge { max };
    if matches!(request.sender, Sender::Api) {
        return Err(refusal);
    }
    while let Ok(Some(part)) = next_part(parts).await {
        if part.name == "file" {
            return Err(refusal.naming_file(&part.file_name.unwrap_or_default()));
        }
        if read_text(part.body, "form").await.is_err() {
            break;
        }
    }
    Err(refusal)
}

//! `/api/v1/.../documents`: multipart uploads streamed through encryption, new versions with
//! `If-Match`, metadata, rename, soft delete, and downloads streamed back through decryption.

use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::documents::service::{
    self, CreatedVersion, DocumentDetail, DocumentListItem, UploadFields,
};
use crate::documents::upload::{self, StoredFile};
use crate::documents::{DocumentError, DocumentResult};
use crate::domain::ids::{CaseId, DocumentId};
use crate::http::api::cases::case_id;
use crate::http::problem::{Problem, ProblemBody};
use crate::http::state::AppState;
use crate::store::documents::VersionRow;
use actix_multipart::{Field, Multipart};
use actix_web::http::header::{
    self, CacheControl, CacheDirective, Charset, ContentDisposition, DispositionParam,
    DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;

/// The longest text field (title, kind, note) read from a form.
const MAX_TEXT_FIELD: usize = 8 * 1024;

fn document_id(raw: &str) -> Result<DocumentId, Problem> {
    DocumentId::parse(raw).map_err(|_| {
        Problem::not_found("There is nothing at this address, or you have no access to it.")
    })
}

/// The fields of an upload form. The file is streamed into the store as it arrives; the text
/// fields may come before or after it.
#[derive(Default)]
struct UploadForm {
    title: Option<String>,
    kind: Option<String>,
    note: Option<String>,
    file_name: String,
    file: Option<StoredFile>,
}

async fn read_text(mut field: Field, name: &'static str) -> DocumentResult<String> {
    let mut bytes = Vec::new();
    while let Some(piece) = field.next().await {
        let piece = piece.map_err(|e| DocumentError::Interrupted(e.to_string()))?;
        if bytes.len() + piece.len() > MAX_TEXT_FIELD {
            return Err(DocumentError::invalid(name, "too long"));
        }
        bytes.extend_from_slice(&piece);
    }
    String::from_utf8(bytes).map_err(|_| DocumentError::invalid(name, "must be UTF-8 text"))
}

/// Reads the form, storing the file (when permitted, as `begin` decided) as it streams past.
async fn read_form(
    state: &AppState,
    case: CaseId,
    case_key: &crate::crypto::keys::CaseKey,
    payload: &mut Multipart,
    form: &mut UploadForm,
) -> DocumentResult<()> {
    while let Some(field) = payload
        .try_next()
        .await
        .map_err(|e| DocumentError::Interrupted(e.to_string()))?
    {
        match field.name().unwrap_or_default() {
            "file" if form.file.is_none() => {
                form.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                form.file = Some(upload::receive(state, case, case_key, field).await?);
            }
            "file" => return Err(DocumentError::invalid("file", "send one file per upload")),
            "title" => form.title = Some(read_text(field, "title").await?),
            "kind" => form.kind = Some(read_text(field, "kind").await?),
            "note" => form.note = Some(read_text(field, "note").await?),
            _ => return Err(DocumentError::invalid("form", "unknown field")),
        }
    }
    if form.file.is_none() {
        return Err(DocumentError::invalid("file", "choose a file to upload"));
    }
    Ok(())
}

/// Reads the whole form; on any failure a file already stored is discarded again.
async fn receive_form(
    state: &AppState,
    case: CaseId,
    case_key: &crate::crypto::keys::CaseKey,
    mut payload: Multipart,
) -> DocumentResult<(UploadForm, StoredFile)> {
    let mut form = UploadForm::default();
    let read = read_form(state, case, case_key, &mut payload, &mut form).await;
    match (read, form.file.take()) {
        (Ok(()), Some(file)) => Ok((form, file)),
        (Err(e), Some(file)) => {
            upload::discard(state, &file).await;
            Err(e)
        }
        (Err(e), None) => Err(e),
        (Ok(()), None) => Err(DocumentError::invalid("file", "choose a file to upload")),
    }
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

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/documents", tag = "documents",
    request_body(content_type = "multipart/form-data", description = "`file`, `title`, `kind`, `note`?"),
    responses((status = 201, body = CreatedVersion), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 413, body = ProblemBody), (status = 415, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, Problem> {
    let case = case_id(&path)?;
    let actor = actor_of(&who);
    let case_key = service::begin_document(&state, &actor, case).await?;
    check_declared_length(&req, &state)?;
    let (form, file) = receive_form(&state, case, &case_key, payload).await?;
    let fields = UploadFields {
        title: form.title.as_deref(),
        kind: form.kind.as_deref(),
        note: form.note.as_deref(),
        file_name: &form.file_name,
    };
    let created = service::finish_document(&state, &actor, case, fields, file).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", created.version)))
        .json(created))
}

#[utoipa::path(post, path = "/api/v1/documents/{document_id}/versions", tag = "documents",
    request_body(content_type = "multipart/form-data", description = "`file`, `note`?; header `If-Match: \"<version>\"`"),
    responses((status = 201, body = CreatedVersion), (status = 412, body = ProblemBody), (status = 428, body = ProblemBody),
        (status = 413, body = ProblemBody), (status = 415, body = ProblemBody)))]
pub async fn new_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, Problem> {
    let id = document_id(&path)?;
    let actor = actor_of(&who);
    let if_match = req
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok());
    let based_on = service::parse_if_match(if_match)?;
    let (document, case_key) = service::begin_version(&state, &actor, id, based_on).await?;
    check_declared_length(&req, &state)?;
    let (form, file) = receive_form(&state, document.case_id, &case_key, payload).await?;
    if form.title.is_some() || form.kind.is_some() {
        upload::discard(&state, &file).await;
        return Err(
            DocumentError::invalid("form", "a new version takes a file and a note only").into(),
        );
    }
    let created = service::finish_version(
        &state,
        &actor,
        &document,
        based_on,
        form.note.as_deref(),
        &form.file_name,
        file,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", created.version)))
        .json(created))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}/documents", tag = "documents",
    responses((status = 200, body = Vec<DocumentListItem>), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn list(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let found = service::list(&state, &actor_of(&who), case_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}", tag = "documents",
    responses((status = 200, body = DocumentDetail), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn show(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let detail = service::show(&state, &actor_of(&who), document_id(&path)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", detail.document.version)))
        .json(detail))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    title: String,
}

#[utoipa::path(patch, path = "/api/v1/documents/{document_id}", tag = "documents", request_body = Rename,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn rename(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<Rename>,
) -> Result<HttpResponse, Problem> {
    service::rename(&state, &actor_of(&who), document_id(&path)?, &body.title).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/documents/{document_id}", tag = "documents",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    service::delete(&state, &actor_of(&who), document_id(&path)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}/content", tag = "documents",
    responses((status = 200, description = "the newest version's bytes", content_type = "application/octet-stream"),
        (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn content(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    download(&state, &who, document_id(&path)?, None).await
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}/versions/{n}/content", tag = "documents",
    responses((status = 200, description = "that version's bytes", content_type = "application/octet-stream"),
        (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn version_content(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let number = path.1.parse::<i64>().map_err(|_| {
        Problem::not_found("There is nothing at this address, or you have no access to it.")
    })?;
    download(&state, &who, document_id(&path.0)?, Some(number)).await
}

async fn download(
    state: &AppState,
    who: &Authenticated,
    id: DocumentId,
    number: Option<i64>,
) -> Result<HttpResponse, Problem> {
    let (version, bytes) = service::open(state, &actor_of(who), id, number).await?;
    Ok(HttpResponse::Ok()
        .insert_header(attachment(&version.file_name))
        .insert_header((header::CONTENT_TYPE, content_type(&version)))
        .insert_header((header::ETAG, format!("\"{}\"", version.version)))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(u64::try_from(version.size).unwrap_or_default())
        .streaming(bytes))
}

fn content_type(version: &VersionRow) -> String {
    if version.content_type == crate::documents::sniff::TEXT {
        "text/plain; charset=utf-8".to_owned()
    } else {
        version.content_type.clone()
    }
}

/// `attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<the name>` (RFC 6266), so every
/// browser saves the file under its name, Danish letters included.
fn attachment(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

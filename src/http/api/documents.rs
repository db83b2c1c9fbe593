//! `/api/v1/.../documents`: multipart uploads streamed through encryption, new versions with
//! `If-Match`, metadata, rename, soft delete, and downloads streamed back through decryption.

use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::documents::service::{self, CreatedVersion, DocumentDetail, DocumentListItem};
use crate::domain::ids::DocumentId;
use crate::http::api::cases::case_id;
use crate::http::problem::{Problem, ProblemBody};
use crate::http::state::AppState;
use crate::http::upload_form::{self, Sender};
use crate::store::documents::VersionRow;
use actix_multipart::Multipart;
use actix_web::http::header::{
    self, CacheControl, CacheDirective, Charset, ContentDisposition, DispositionParam,
    DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::BytesMut;
use futures_util::TryStreamExt;
use serde::Deserialize;

fn document_id(raw: &str) -> Result<DocumentId, Problem> {
    DocumentId::parse(raw).map_err(|_| {
        Problem::not_found("There is nothing at this address, or you have no access to it.")
    })
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
    let created =
        upload_form::new_document(&req, &state, &actor, Sender::Api, case, payload).await?;
    Ok(created_response(created))
}

fn created_response(created: CreatedVersion) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", created.version)))
        .json(created)
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
    let created =
        upload_form::new_version(&req, &state, &actor, Sender::Api, (id, based_on), payload)
            .await?;
    Ok(created_response(created))
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
    let size = u64::try_from(version.size).unwrap_or_default();
    let mut response = HttpResponse::Ok();
    response
        .insert_header(attachment(&version.file_name))
        .insert_header((header::CONTENT_TYPE, content_type(&version)))
        .insert_header((header::ETAG, format!("\"{}\"", version.version)))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if size <= CHECK_BEFORE_SENDING {
        // Decrypted and checked whole first: a damaged version is a clear 500 (logged as an
        // integrity failure), never a body cut short, and an empty one cannot pass unchecked.
        let body = bytes
            .try_fold(BytesMut::new(), |mut body, piece| async move {
                body.extend_from_slice(&piece);
                Ok(body)
            })
            .await
            .map_err(|_| Problem::internal())?;
        return Ok(response.body(body.freeze()));
    }
    Ok(response.no_chunking(size).streaming(bytes))
}

/// Versions up to this size are checked before their headers go out; larger ones stream, and a
/// failed check cuts the body off short of its Content-Length.
const CHECK_BEFORE_SENDING: u64 = 1024 * 1024;

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

//! `/api/v1/.../documents`: multipart uploads streamed through encryption, new versions with
//! `If-Match`, metadata, rename, soft delete, and downloads streamed back through decryption.

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::documents::reading::{self, DocumentDetail, DocumentListItem};
use crate::documents::service::{self, CreatedVersion};
use crate::documents::upload_form::{self, Sender};
use crate::documents::{DocumentError, DocumentResult};
use crate::domain::ids::{CaseId, DocumentId};
use crate::http::api::json_object::JsonObject;
use crate::http::download;
use crate::http::input::Rename;
use crate::http::multipart::{MultipartParts, upload_request};
use crate::http::problem::{Problem, ProblemBody};
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/documents", tag = "documents",
    request_body(content_type = "multipart/form-data", description = "`file`, `title`, `kind`, `note`?"),
    responses((status = 201, body = CreatedVersion), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 413, body = ProblemBody), (status = 415, body = ProblemBody), (status = 422, body = ProblemBody),
        (status = 507, description = "No room left in the document store", body = ProblemBody)))]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    payload: Multipart,
) -> Result<HttpResponse, Problem> {
    let case = path.into_inner();
    let actor = actor_of(&who);
    let created = upload_form::new_document(
        &state,
        &actor,
        upload_request(&req, Sender::Api),
        case,
        MultipartParts(payload),
    )
    .await?;
    Ok(created_response(created))
}

fn created_response(created: CreatedVersion) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", created.version)))
        .json(created)
}

#[utoipa::path(post, path = "/api/v1/documents/{document_id}/versions", tag = "documents",
    // Optional to the schema, as RFC 6585 has it: without it the answer is 428, not 400.
    params(("If-Match" = Option<String>, Header, description = "The version the new one is based on: `\"3\"`; without it 428")),
    request_body(content_type = "multipart/form-data", description = "`file`, `note`?; header `If-Match: \"<version>\"`"),
    responses((status = 201, body = CreatedVersion), (status = 412, body = ProblemBody), (status = 428, body = ProblemBody),
        (status = 413, body = ProblemBody), (status = 415, body = ProblemBody),
        (status = 507, description = "No room left in the document store", body = ProblemBody)))]
pub async fn new_version(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
    payload: Multipart,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let actor = actor_of(&who);
    let if_match = req
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok());
    let based_on = parse_if_match(if_match)?;
    let created = upload_form::new_version(
        &state,
        &actor,
        upload_request(&req, Sender::Api),
        (id, based_on),
        MultipartParts(payload),
    )
    .await?;
    Ok(created_response(created))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_id}/documents", tag = "documents",
    responses((status = 200, body = Vec<DocumentListItem>), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn list(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> Result<HttpResponse, Problem> {
    let found = reading::list(&state, &actor_of(&who), path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}", tag = "documents",
    responses((status = 200, body = DocumentDetail), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn show(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
) -> Result<HttpResponse, Problem> {
    let detail = reading::show(&state, &actor_of(&who), path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", detail.document.version)))
        .json(detail))
}

#[utoipa::path(patch, path = "/api/v1/documents/{document_id}", tag = "documents", request_body = Rename,
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn rename(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
    body: JsonObject<Rename>,
) -> Result<HttpResponse, Problem> {
    service::rename(&state, &actor_of(&who), path.into_inner(), &body.title).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/documents/{document_id}", tag = "documents",
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn delete(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
) -> Result<HttpResponse, Problem> {
    service::delete(&state, &actor_of(&who), path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}/content", tag = "documents",
    responses((status = 200, description = "the newest version's bytes, as the media type found in them at upload (one of `documents.allowed_types`)", content_type = "*/*"),
        (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn content(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
) -> Result<HttpResponse, Problem> {
    Ok(download::file(&state, &actor_of(&who), path.into_inner(), None).await?)
}

#[utoipa::path(get, path = "/api/v1/documents/{document_id}/versions/{n}/content", tag = "documents",
    responses((status = 200, description = "that version's bytes, as the media type found in them at upload", content_type = "*/*"),
        (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn version_content(
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(DocumentId, u32)>,
) -> Result<HttpResponse, Problem> {
    let (id, number) = path.into_inner();
    let actor = actor_of(&who);
    Ok(download::file(&state, &actor, id, Some(i64::from(number))).await?)
}

/// The version number an `If-Match` header names: `"3"` (or a weak `W/"3"`).
fn parse_if_match(header: Option<&str>) -> DocumentResult<i64> {
    let raw = header.ok_or(DocumentError::PreconditionRequired)?.trim();
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| DocumentError::invalid("If-Match", "invalid.if_match"))
}

//! The upload forms' side of the pages: what a form says about the files it takes (and tells
//! the browser's check before sending), the posts that upload a document or a new version, and
//! the page a stale version form gets. Uploads are the same streamed multipart forms as the
//! API's, with the CSRF token as their first field; a new version names the version it replaces
//! in its URL (`?based_on=N`), the page's stand-in for `If-Match`.
//!
//! Without JavaScript a form posts and the answer is the next page (303). static/upload.js sends
//! the same form with `X-Upload: progress` to show a progress bar; it is then answered 201 with
//! the page to go to in `Location`, and a refusal is the usual page, which the script shows on
//! the form.

use super::display::local_time;
use super::forms::see_other;
use super::layout::{Chrome, render};
use super::notice::refusal;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::documents::reading::{self, DocumentDetail};
use crate::documents::upload_form::{self, Sender};
use crate::documents::{DocumentError, type_keys};
use crate::domain::document_kind::DocumentKind;
use crate::domain::ids::{CaseId, DocumentId};
use crate::http::multipart::{MultipartParts, upload_request};
use crate::i18n::{Catalogue, Lang};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Serialize;

/// What an upload form needs to say about the files it takes, in the reader's language.
pub struct FileRules {
    /// The `accept` attribute: the allowed types and their usual extensions.
    pub accept: String,
    /// "PDF, Word (.docx) eller ren tekst".
    pub types: String,
    /// "100 MB".
    pub limit: String,
    /// What static/upload.js needs, as JSON for the form's `data-upload`.
    pub script: String,
}

/// The browser's check before sending, and its words: the refusals name the file (`{file}`,
/// filled in by the script) with the same sentences the server would answer.
#[derive(Serialize)]
struct ScriptRules<'a> {
    max_bytes: u64,
    /// ".pdf", ".docx", ...: a name ending otherwise is refused before sending.
    extensions: Vec<&'static str>,
    too_large: String,
    unsupported: String,
    iphone_photo: String,
    old_word: String,
    old_excel: String,
    sending: &'a str,
    cancelled: &'a str,
    failed: &'a str,
    same_title: &'a str,
    same_title_link: &'a str,
    received: &'a str,
    error_prefix: &'a str,
}

impl FileRules {
    pub fn of(state: &App, lang: Lang) -> Self {
        let documents = &state.settings.documents;
        let accept = documents
            .allowed_types
            .iter()
            .flat_map(|file_type| {
                std::iter::once(file_type.media_type())
                    .chain(file_type.extensions().iter().copied())
            })
            .collect::<Vec<_>>()
            .join(",");
        let types = crate::i18n::list(&type_keys(&documents.allowed_types), lang);
        let limit = crate::i18n::limit_size(documents.max_upload_bytes, lang);
        let t = crate::i18n::catalogue(lang);
        let fill = |key: &str| {
            t.get(key)
                .replace("{max}", &limit)
                .replace("{types}", &types)
        };
        let script = ScriptRules {
            max_bytes: documents.max_upload_bytes,
            extensions: documents
                .allowed_types
                .iter()
                .flat_map(|file_type| file_type.extensions().iter().copied())
                .collect(),
            too_large: fill("doc_error.named.too_large"),
            unsupported: fill("doc_error.named.unsupported"),
            iphone_photo: fill("doc_error.named.iphone_photo"),
            old_word: fill("doc_error.named.old_word"),
            old_excel: fill("doc_error.named.old_excel"),
            sending: t.get("upload.sending"),
            cancelled: t.get("upload.cancelled"),
            failed: t.get("upload.failed"),
            same_title: t.get("upload.same_title"),
            same_title_link: t.get("upload.same_title_link"),
            received: t.get("upload.received"),
            error_prefix: t.get("form.error"),
        };
        Self {
            accept,
            script: serde_json::to_string(&script).unwrap_or_default(),
            types,
            limit,
        }
    }

    /// The form's hint: which types, how large.
    pub fn hint(&self, t: &Catalogue) -> String {
        t.get("doc.file_hint")
            .replace("{types}", &self.types)
            .replace("{max}", &self.limit)
    }
}

/// The kinds a new document may have, for the form's select.
pub fn kinds() -> Vec<&'static str> {
    DocumentKind::WORDS.to_vec()
}

/// The document page after an upload of its version `version`, the way the sender asked.
fn uploaded(req: &HttpRequest, document: &str, version: i64) -> HttpResponse {
    let next = format!("/documents/{document}?uploaded={version}");
    let by_script = req
        .headers()
        .get("x-upload")
        .is_some_and(|v| v.as_bytes() == b"progress");
    if by_script {
        HttpResponse::Created()
            .insert_header((LOCATION, next))
            .finish()
    } else {
        see_other(next)
    }
}

/// `POST /cases/{id}/documents`: a new document, then its page.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    payload: Multipart,
) -> HttpResponse {
    let sender = Sender::Page {
        csrf_token: &who.session.csrf_token,
    };
    let created = upload_form::new_document(
        &state,
        &actor_of(&who),
        upload_request(&req, sender),
        path.into_inner(),
        MultipartParts(payload),
    )
    .await;
    match created {
        Ok(created) => uploaded(&req, &created.id, 1),
        Err(err) => refusal(&req, &err),
    }
}

#[derive(serde::Deserialize)]
pub struct BasedOn {
    based_on: Option<String>,
}

/// `POST /documents/{id}/versions?based_on=N`: a new version of the document, then its page.
/// A form left open while someone else uploaded gets the page naming the newer version.
pub async fn new_version(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
    query: web::Query<BasedOn>,
    payload: Multipart,
) -> HttpResponse {
    let id = path.into_inner();
    let Some(based_on) = query.based_on.as_deref().and_then(|n| n.parse().ok()) else {
        return refusal(&req, &DocumentError::PreconditionRequired);
    };
    let sender = Sender::Page {
        csrf_token: &who.session.csrf_token,
    };
    let actor = actor_of(&who);
    let added = upload_form::new_version(
        &state,
        &actor,
        upload_request(&req, sender),
        (id, based_on),
        MultipartParts(payload),
    )
    .await;
    match added {
        Ok(version) => uploaded(&req, &id.to_string(), version.version),
        Err(DocumentError::Stale { current }) => match reading::show(&state, &actor, id).await {
            Ok(document) => stale_page(&req, document, current),
            Err(err) => refusal(&req, &err),
        },
        Err(err) => refusal(&req, &err),
    }
}

#[derive(Template)]
#[template(path = "document_stale.html")]
struct StalePage {
    chrome: Chrome,
    document: DocumentDetail,
    current: i64,
    uploaded_by: String,
    uploaded_at: String,
}
super::layout::with_chrome!(StalePage);

impl StalePage {
    fn fill(&self, key: &str) -> String {
        self.t
            .get(key)
            .replace("{current}", &self.current.to_string())
            .replace("{next}", &(self.current + 1).to_string())
            .replace("{name}", &self.uploaded_by)
            .replace("{when}", &self.uploaded_at)
    }

    fn body(&self) -> String {
        self.fill("stale.body")
    }

    fn hint(&self) -> String {
        self.fill("stale.hint")
    }

    fn download_label(&self) -> String {
        self.fill("stale.download")
    }

    fn upload_label(&self) -> String {
        self.fill("stale.upload")
    }
}

/// 412: the newer version, who uploaded it when, and the two ways on: fetch it, or upload one's
/// own file as the version after it.
fn stale_page(req: &HttpRequest, document: DocumentDetail, current: i64) -> HttpResponse {
    let newest = document.versions.iter().find(|v| v.version == current);
    let (uploaded_by, uploaded_at) = newest.map_or_else(Default::default, |v| {
        (v.uploaded_by.clone(), local_time(&v.uploaded_at))
    });
    let page = StalePage {
        chrome: Chrome::for_request(req),
        document,
        current,
        uploaded_by,
        uploaded_at,
    };
    render(StatusCode::PRECONDITION_FAILED, &page)
}

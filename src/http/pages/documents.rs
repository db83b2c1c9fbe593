//! The document pages: a document with its versions, and the forms that upload a document, a new
//! version, rename and delete. Uploads are the same streamed multipart forms as the API's, with
//! the CSRF token as their first field; a new version names the version it replaces in its URL
//! (`?based_on=N`), the page's stand-in for `If-Match`.

use super::display::{file_size, kind_label, local_time};
use super::forms::{PageForm, see_other};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{actor_of, view};
use crate::documents::reading::{self, DocumentDetail};
use crate::documents::service;
use crate::documents::upload_form::{self, Sender};
use crate::documents::{DocumentError, type_keys};
use crate::domain::case_status::CaseStatus;
use crate::domain::document_kind::DocumentKind;
use crate::domain::ids::{CaseId, DocumentId};
use crate::http::download;
use crate::http::input::{NoFields, Rename};
use crate::http::multipart::{MultipartParts, upload_request};
use crate::i18n::{Catalogue, Lang};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// What an upload form needs to say about the files it takes, in the reader's language.
pub struct FileRules {
    /// The `accept` attribute: the allowed types and their usual extensions.
    pub accept: String,
    /// "PDF, Word (.docx) eller ren tekst".
    pub types: String,
    /// "104,9 MB".
    pub limit: String,
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
        let limit = file_size(
            i64::try_from(documents.max_upload_bytes).unwrap_or(i64::MAX),
            lang,
        );
        Self {
            accept,
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

/// The page, or a page that says in the reader's language what went wrong.
fn answer(req: &HttpRequest, result: Result<HttpResponse, DocumentError>) -> HttpResponse {
    super::notice::answer(req, result)
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    chrome: Chrome,
    csrf_token: String,
    document: DocumentDetail,
    young_person: String,
    may_write: bool,
    may_delete: bool,
    rules: FileRules,
}
super::layout::with_chrome!(DocumentPage);

impl DocumentPage {
    fn when(&self, stored: &str) -> String {
        local_time(stored)
    }

    fn size(&self, bytes: &i64) -> String {
        file_size(*bytes, self.lang)
    }

    fn kind_label(&self, kind: &str) -> String {
        kind_label(self.t, kind)
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Option<Authenticated>,
    path: web::Path<DocumentId>,
) -> HttpResponse {
    let Some(who) = who else {
        return see_other("/".to_owned());
    };
    let result = async {
        let actor = actor_of(&who);
        let document = reading::show(&state, &actor, path.into_inner()).await?;
        let case = view::show(&state, &actor, document.case_id).await?;
        let open = case.status == CaseStatus::Active;
        let chrome = Chrome::for_request(&req);
        let rules = FileRules::of(&state, chrome.lang);
        let page = DocumentPage {
            chrome,
            csrf_token: who.session.csrf_token.clone(),
            young_person: case.young_person.name,
            may_write: open && case.permissions.write_documents,
            may_delete: open && case.permissions.delete_documents,
            rules,
            document,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    answer(&req, result)
}

/// `POST /cases/{id}/documents`: a new document, then its page.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
    payload: Multipart,
) -> HttpResponse {
    let result = async {
        let case = path.into_inner();
        let sender = Sender::Page {
            csrf_token: &who.session.csrf_token,
        };
        let created = upload_form::new_document(
            &state,
            &actor_of(&who),
            upload_request(&req, sender),
            case,
            MultipartParts(payload),
        )
        .await?;
        Ok(see_other(format!("/documents/{}", created.id)))
    }
    .await;
    answer(&req, result)
}

#[derive(serde::Deserialize)]
pub struct BasedOn {
    based_on: Option<String>,
}

/// `POST /documents/{id}/versions?based_on=N`: a new version of the document, then its page.
pub async fn new_version(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
    query: web::Query<BasedOn>,
    payload: Multipart,
) -> HttpResponse {
    let result = async {
        let id = path.into_inner();
        let based_on = query
            .based_on
            .as_deref()
            .and_then(|n| n.parse::<i64>().ok())
            .ok_or(DocumentError::PreconditionRequired)?;
        let sender = Sender::Page {
            csrf_token: &who.session.csrf_token,
        };
        let actor = actor_of(&who);
        upload_form::new_version(
            &state,
            &actor,
            upload_request(&req, sender),
            (id, based_on),
            MultipartParts(payload),
        )
        .await?;
        Ok(see_other(format!("/documents/{id}")))
    }
    .await;
    answer(&req, result)
}

/// `GET /documents/{id}/download`: the newest version, as the pages link to it. The same bytes
/// as the API's, but what goes wrong (a session that ended, a document gone) is a page, not
/// problem+json, for a person who tapped a link on a phone.
pub async fn download_newest(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<DocumentId>,
) -> HttpResponse {
    let result = download::file(&state, &actor_of(&who), path.into_inner(), None).await;
    answer(&req, result)
}

/// `GET /documents/{id}/versions/{n}/download`: one version, as the document page links to it.
pub async fn download_version(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(DocumentId, u32)>,
) -> HttpResponse {
    let (id, number) = path.into_inner();
    let result = download::file(&state, &actor_of(&who), id, Some(i64::from(number))).await;
    answer(&req, result)
}

/// `POST /documents/{id}/rename`.
pub async fn rename(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<DocumentId>,
    form: PageForm<Rename>,
) -> HttpResponse {
    let id = path.into_inner();
    let PageForm { who, fields } = form;
    let renamed = service::rename(&state, &actor_of(&who), id, &fields.title).await;
    answer(
        &req,
        renamed.map(|()| see_other(format!("/documents/{id}"))),
    )
}

/// `POST /documents/{id}/delete`: the coordinator's soft delete, then back to the case.
pub async fn delete(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<DocumentId>,
    form: PageForm<NoFields>,
) -> HttpResponse {
    let (id, actor) = (path.into_inner(), actor_of(&form.who));
    let result = async {
        let case =
            service::case_of(&state, &actor, id, crate::policy::Action::DeleteDocument).await?;
        service::delete(&state, &actor, id).await?;
        Ok(see_other(format!("/cases/{case}")))
    }
    .await;
    answer(&req, result)
}

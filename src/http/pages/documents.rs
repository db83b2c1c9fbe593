//! The document pages: a document with its versions (and, right after an upload, what it
//! repeats), its downloads and previews, and the forms that rename and delete. The upload forms
//! are in uploads.rs.

use super::display::{file_size, kind_label, local_time};
use super::forms::{PageForm, see_other};
use super::layout::{Chrome, render};
use super::uploads::FileRules;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{actor_of, view};
use crate::documents::DocumentError;
use crate::documents::duplicates::{self, Duplicates};
use crate::documents::reading::{self, DocumentDetail};
use crate::documents::service;
use crate::domain::case_status::CaseStatus;
use crate::domain::ids::DocumentId;
use crate::http::download::{self, Showing};
use crate::http::extractors::MaybeAuthenticated;
use crate::http::input::{NoFields, Rename};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

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
    /// The version just uploaded (`?uploaded=N`), for the confirmation.
    uploaded: Option<i64>,
    /// What that upload repeats.
    duplicates: Duplicates,
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

    /// Whether "Vis" shows this type in the browser.
    fn previewable(&self, content_type: &str) -> bool {
        download::previewable(content_type)
    }

    /// "Dokumentet er uploadet." or "Version 2 er uploadet."
    fn uploaded_text(&self, version: &i64) -> String {
        if *version == 1 {
            return self.t.get("doc.uploaded_new").to_owned();
        }
        self.t
            .get("doc.uploaded")
            .replace("{version}", &version.to_string())
    }

    /// "version 2", for a link to a twin.
    fn twin_version(&self, version: &i64) -> String {
        self.t
            .get("doc.twin_version")
            .replace("{version}", &version.to_string())
    }
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    uploaded: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    MaybeAuthenticated(who): MaybeAuthenticated,
    path: web::Path<DocumentId>,
    query: web::Query<ShowQuery>,
) -> HttpResponse {
    let Some(who) = who else {
        return see_other("/".to_owned());
    };
    let result = async {
        let actor = actor_of(&who);
        let document = reading::show(&state, &actor, path.into_inner()).await?;
        let case = view::show(&state, &actor, document.case_id).await?;
        // A number that names no version of this document (typed, or stale) shows no notice.
        let uploaded = query
            .uploaded
            .as_deref()
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| document.versions.iter().any(|v| v.version == *n));
        let duplicates = match uploaded {
            Some(version) => duplicates::of_upload(&state, &document, version).await?,
            None => Duplicates::default(),
        };
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
            uploaded,
            duplicates,
            document,
        };
        Ok(render(StatusCode::OK, &page))
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
    one_version(&req, &state, &who, path.into_inner(), Showing::Download).await
}

/// `GET /documents/{id}/versions/{n}/view`: "Vis": a PDF or image shown in the browser (under
/// its own Content-Security-Policy), any other type saved as by "Hent".
pub async fn view_version(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(DocumentId, u32)>,
) -> HttpResponse {
    one_version(&req, &state, &who, path.into_inner(), Showing::Preview).await
}

async fn one_version(
    req: &HttpRequest,
    state: &App,
    who: &Authenticated,
    (id, number): (DocumentId, u32),
    showing: Showing,
) -> HttpResponse {
    let version = (id, Some(i64::from(number)));
    let result = download::respond(state, &actor_of(who), version, showing).await;
    answer(req, result)
}

/// `POST /documents/{id}/rename`.
pub async fn rename(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<DocumentId>,
    form: PageForm<Rename>,
) -> HttpResponse {
    let id = path.into_inner();
    let PageForm { who, fields, .. } = form;
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

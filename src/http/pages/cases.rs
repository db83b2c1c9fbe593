//! The case pages: "Mine sager" (and "Min sag" for citizens), creating a case, the case page with
//! its sharing banner, participants and consents, and closing or reopening the case. The forms
//! that change the team are in `participants`, those for consent in `consents`. Forms post with
//! the session's CSRF token and land back on the case page; every decision is the policy's,
//! through the same services as the API.

use super::confirm::{Question, ask};
use super::consent_status::ConsentStatus;
use super::display::{department_label, kind_label, local_time, scope_labels};
use super::forms::{PageForm, answer, back_to, on_case};
use super::layout::{Chrome, render};
use super::uploads::{FileRules, kinds};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::create::CaseInput;
use crate::cases::list::{self, CaseListItem};
use crate::cases::view::CaseView;
use crate::cases::{actor_of, create, lifecycle, view};
use crate::documents::DocumentError;
use crate::documents::reading::{self as documents, DocumentListItem};
use crate::domain::access::Access;
use crate::domain::case_status::CaseStatus;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::domain::role::Role;
use crate::http::extractors::MaybeAuthenticated;
use crate::http::input::{FormFields, NoFields};
use crate::i18n::Lang;
use crate::policy::ActorKind;
use crate::staff;
use crate::store::accounts::StaffListing;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    is_staff: bool,
    /// The policy lets the caller create cases (the staff flag `may_create_cases`).
    may_create_cases: bool,
    /// "Mine sager" for staff, "Min sag" for the young person, "Mit barns sag" for a parent.
    heading: &'static str,
    cases: Vec<CaseListItem>,
    approaching: Vec<CaseListItem>,
    query: String,
    results: Option<Vec<CaseListItem>>,
}
super::layout::with_chrome!(CasesPage);

fn heading(is_staff: bool, cases: &[CaseListItem]) -> &'static str {
    if is_staff {
        "cases.heading_staff"
    } else if !cases.is_empty() && cases.iter().all(|c| c.role == "parent") {
        "cases.heading_parent"
    } else {
        "cases.heading_citizen"
    }
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<App>,
    MaybeAuthenticated(who): MaybeAuthenticated,
    query: web::Query<SearchQuery>,
) -> HttpResponse {
    let Some(who) = who else {
        return super::login_required::login_required(&req);
    };
    let actor = actor_of(&who);
    let result = async {
        let cases = list::mine(&state, &actor).await?;
        let is_staff = matches!(actor.kind, ActorKind::Staff { .. });
        let query = query.q.clone().unwrap_or_default();
        let results = match (is_staff, query.trim().is_empty()) {
            (true, false) => Some(list::search(&state, &actor, &query).await?),
            _ => None,
        };
        let approaching = cases
            .iter()
            .filter(|c| c.approaching_18 && c.role == "coordinator")
            .cloned()
            .collect();
        let chrome = Chrome::for_request(&req);
        Ok(render(
            StatusCode::OK,
            &CasesPage {
                chrome,
                is_staff,
                may_create_cases: crate::policy::decide(
                    &actor,
                    crate::policy::Action::CreateCase,
                    None,
                    state.settings.consent.custody_rule,
                    state.clock.now(),
                )
                .is_allowed(),
                heading: heading(is_staff, &cases),
                cases,
                approaching,
                query,
                results,
            },
        ))
    }
    .await;
    answer(&req, result)
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewCasePage {
    chrome: Chrome,
    csrf_token: String,
}
super::layout::with_chrome!(NewCasePage);

pub async fn new_form(req: HttpRequest, who: Authenticated) -> HttpResponse {
    let chrome = Chrome::for_request(&req);
    render(
        StatusCode::OK,
        &NewCasePage {
            chrome,
            csrf_token: who.session.csrf_token,
        },
    )
}

/// The new-case form's fields (the API nests the young person; a form cannot).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCaseForm {
    #[serde(default)]
    cpr: String,
    #[serde(default)]
    name: String,
    placement: Option<String>,
}

impl FormFields for NewCaseForm {}

pub async fn create_case(
    req: HttpRequest,
    state: web::Data<App>,
    form: PageForm<NewCaseForm>,
) -> HttpResponse {
    let PageForm { who, fields, .. } = form;
    let input = CaseInput {
        cpr: &fields.cpr,
        name: &fields.name,
        placement: fields.placement.as_deref(),
    };
    let created = create::create(&state, &actor_of(&who), input).await;
    answer(&req, created.map(back_to))
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    case: CaseView,
    csrf_token: String,
    staff: Vec<StaffListing>,
    departments: Vec<&'static str>,
    /// For the coordinator's reminder of the 18th birthday.
    is_coordinator: bool,
    is_closed: bool,
    /// Empty unless the caller may read the case's documents.
    documents: Vec<DocumentListItem>,
    kinds: Vec<&'static str>,
    rules: FileRules,
    consent_status: ConsentStatus,
}
super::layout::with_chrome!(CasePage);

impl CasePage {
    fn missing_text(&self, m: &crate::cases::view::MissingView) -> &'static str {
        if self.lang == Lang::En {
            m.text_en
        } else {
            m.text_da
        }
    }

    fn denied_text(&self) -> &'static str {
        self.case
            .permissions
            .documents_denied
            .as_ref()
            .map_or("", |d| {
                if self.lang == Lang::En {
                    d.text_en
                } else {
                    d.text_da
                }
            })
    }

    fn role_label(&self, role: &Role) -> &'static str {
        let key = match role {
            Role::Professional => "role.professional",
            Role::YoungPerson => "role.young_person",
            Role::Parent => "role.parent",
            Role::TrustedAdult => "role.trusted_adult",
        };
        self.t.get(key)
    }

    fn department_label(&self, department: &Option<Department>) -> String {
        department
            .map(|d| department_label(self.t, d))
            .unwrap_or_default()
    }

    fn scope_labels(&self, scope: &[Department]) -> String {
        scope_labels(self.t, scope)
    }

    /// The case's documents as static/upload.js checks a new title against them: JSON of
    /// `[{"title": .., "href": ..}]`.
    fn existing_titles(&self) -> String {
        let titles: Vec<_> = self
            .documents
            .iter()
            .map(
                |d| serde_json::json!({ "title": d.title, "href": format!("/documents/{}", d.id) }),
            )
            .collect();
        serde_json::Value::Array(titles).to_string()
    }

    fn participant_name(&self, id: &str) -> String {
        self.case
            .participants
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    fn is_write(&self, access: &Access) -> bool {
        *access == Access::Write
    }

    fn when(&self, stored: &str) -> String {
        local_time(stored)
    }

    fn kind_label(&self, kind: &str) -> String {
        kind_label(self.t, kind)
    }

    /// The scanned declarations a paper consent may link to.
    fn declarations(&self) -> Vec<&DocumentListItem> {
        self.documents
            .iter()
            .filter(|d| d.kind == "consent_declaration")
            .collect()
    }

    fn document_title(&self, id: &str) -> Option<&str> {
        self.documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.title.as_str())
    }
}

/// The documents the caller may read: none when the policy says no.
async fn readable_documents(
    state: &App,
    actor: &crate::policy::Actor,
    id: CaseId,
    case: &CaseView,
) -> Result<Vec<DocumentListItem>, DocumentError> {
    if !case.permissions.read_documents {
        return Ok(Vec::new());
    }
    documents::list(state, actor, id).await
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    MaybeAuthenticated(who): MaybeAuthenticated,
    path: web::Path<CaseId>,
) -> HttpResponse {
    let Some(who) = who else {
        return super::login_required::login_required(&req);
    };
    let result = async {
        let id = path.into_inner();
        let actor = actor_of(&who);
        let case = view::show(&state, &actor, id).await?;
        let is_coordinator = case.my_role == "coordinator";
        let staff =
            if case.permissions.manage_participants || case.permissions.hand_over_coordinator {
                staff::search::search(&state, &actor, None).await?
            } else {
                Vec::new()
            };
        let documents = readable_documents(&state, &actor, id, &case).await?;
        let chrome = Chrome::for_request(&req);
        let rules = FileRules::of(&state, chrome.lang);
        let consent_status = ConsentStatus::of(&case, chrome.lang, chrome.t);
        let page = CasePage {
            consent_status,
            chrome,
            is_closed: case.status == CaseStatus::Closed,
            case,
            csrf_token: who.session.csrf_token.clone(),
            staff,
            departments: Department::ALL.iter().map(|d| d.as_str()).collect(),
            is_coordinator,
            documents,
            kinds: kinds(),
            rules,
        };
        Ok::<_, DocumentError>(render(StatusCode::OK, &page))
    }
    .await;
    super::notice::answer(&req, result)
}

/// What the case page's close and reopen buttons post to (`/cases/{id}/status/{change}`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusChange {
    Close,
    Reopen,
}

pub async fn set_status(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<(CaseId, StatusChange)>,
    form: PageForm<NoFields>,
) -> HttpResponse {
    let (case, change) = path.into_inner();
    let status = match change {
        StatusChange::Close => CaseStatus::Closed,
        StatusChange::Reopen => CaseStatus::Active,
    };
    let actor = actor_of(&form.who);
    if status == CaseStatus::Closed
        && !form.confirmed
        && let Ok(view) = view::show(&state, &actor, case).await
        && view.permissions.close_case
    {
        let name = &view.young_person.name;
        let back = format!("/cases/{case}");
        return ask(
            &req,
            &form,
            Question {
                what: "close",
                name,
                back,
            },
        );
    }
    let done = lifecycle::set_status(&state, &actor, case, status).await;
    on_case(&req, case, done)
}

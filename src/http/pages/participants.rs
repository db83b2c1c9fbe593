//! Changing the team from the case page: adding and removing participants, the page to edit one
//! participant's access, the young adult giving a parent access again, and handing the case to
//! another coordinator (which an admin may also do). Forms post here with the session's CSRF token
//! and land back on the case page; every decision is the policy's, through the same services as
//! `/api/v1/cases/{case_id}/participants`.

use super::confirm::{Question, ask};
use super::forms::{PageForm, answer, not_found, on_case};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::view::{CaseView, ParticipantView};
use crate::cases::{CaseError, actor_of, lifecycle, participants, view};
use crate::domain::access::Access;
use crate::domain::ids::{CaseId, ParticipantId};
use crate::http::input::{AddParticipant, ChangeAccess, HandOver, NoFields};
use crate::policy::Reason;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "participant_edit.html")]
struct EditPage {
    chrome: Chrome,
    case: CaseView,
    participant: ParticipantView,
    csrf_token: String,
}
super::layout::with_chrome!(EditPage);

impl EditPage {
    fn has_write(&self) -> bool {
        self.participant.access == Access::Write
    }

    fn role_label(&self) -> String {
        let role = serde_json::to_value(self.participant.role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        self.t.get(&format!("role.{role}")).to_owned()
    }
}

/// The coordinator adds a staff member (by account) or a citizen (by CPR number) to the team.
pub async fn add(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<CaseId>,
    form: PageForm<AddParticipant>,
) -> HttpResponse {
    let (case, actor) = (path.into_inner(), actor_of(&form.who));
    let done = participants::add(&state, &actor, case, form.fields.as_input()).await;
    on_case(&req, case, done.map(|_| ()))
}

/// The coordinator removes a participant: their access ends at once.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<(CaseId, ParticipantId)>,
    form: PageForm<NoFields>,
) -> HttpResponse {
    let (case, participant) = path.into_inner();
    let actor = actor_of(&form.who);
    if !form.confirmed
        && let Ok(view) = view::show(&state, &actor, case).await
        && view.permissions.manage_participants
        && let Some(person) = view
            .participants
            .iter()
            .find(|p| p.id == participant.to_string())
    {
        let back = format!("/cases/{case}/participants/{participant}");
        return ask(
            &req,
            &form,
            Question {
                what: "remove",
                name: &person.name,
                back,
            },
        );
    }
    let done = participants::remove(&state, &actor, case, participant).await;
    on_case(&req, case, done)
}

/// The coordinator's page for one participant: read or write access, or removal.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, ParticipantId)>,
) -> HttpResponse {
    let result = async {
        let (case_id, id) = path.into_inner();
        let case = view::show(&state, &actor_of(&who), case_id).await?;
        if !case.permissions.manage_participants {
            return Err(CaseError::Denied(Reason::CoordinatorOnly));
        }
        let participant = case
            .participants
            .iter()
            .find(|p| p.id == id.to_string())
            .cloned()
            .ok_or_else(not_found)?;
        let chrome = Chrome::for_request(&req);
        Ok(render(
            StatusCode::OK,
            &EditPage {
                chrome,
                case,
                participant,
                csrf_token: who.session.csrf_token.clone(),
            },
        ))
    }
    .await;
    answer(&req, result)
}

pub async fn change_access(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<(CaseId, ParticipantId)>,
    form: PageForm<ChangeAccess>,
) -> HttpResponse {
    let (case, id) = path.into_inner();
    let access = form.fields.access;
    let done = participants::set_access(&state, &actor_of(&form.who), case, id, access).await;
    on_case(&req, case, done)
}

pub async fn grant_parent_access(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<(CaseId, ParticipantId)>,
    form: PageForm<NoFields>,
) -> HttpResponse {
    let (case, id) = path.into_inner();
    let done = participants::grant_parent_access(&state, &actor_of(&form.who), case, id).await;
    on_case(&req, case, done)
}

pub async fn hand_over(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<CaseId>,
    form: PageForm<HandOver>,
) -> HttpResponse {
    let case = path.into_inner();
    let to = form.fields.account_id;
    let actor = actor_of(&form.who);
    if !form.confirmed {
        // Asked only of a hand-over that would pass: one to oneself is refused at once.
        return match lifecycle::successor_name(&state, &actor, case, to).await {
            Ok(name) => {
                let back = format!("/cases/{case}");
                ask(
                    &req,
                    &form,
                    Question {
                        what: "hand_over",
                        name: &name,
                        back,
                    },
                )
            }
            Err(refused) => on_case(&req, case, Err(refused)),
        };
    }
    let done = lifecycle::hand_over(&state, &actor, case, to).await;
    on_case(&req, case, done)
}

/// The access review on the case page: the ticked participants keep their access.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    #[serde(default)]
    keep: Vec<ParticipantId>,
}

impl crate::http::input::FormFields for ReviewForm {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("decisions", "invalid.review.every_participant")
    }
}

pub async fn review_access(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<CaseId>,
    form: PageForm<ReviewForm>,
) -> HttpResponse {
    let case = path.into_inner();
    let actor = actor_of(&form.who);
    let done = crate::cases::review::review_keeping(&state, &actor, case, &form.fields.keep).await;
    on_case(&req, case, done)
}

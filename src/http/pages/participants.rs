//! Changing the team from the case page: adding and removing participants, the page to edit one
//! participant's access, the young adult giving a parent access again, and handing the case to
//! another coordinator (which an admin may also do). Forms post here with the session's CSRF token
//! and land back on the case page; every decision is the policy's, through the same services as
//! `/api/v1/cases/{case_id}/participants`.

use super::forms::{FormPairs, answer, field, ids, not_found, on_case};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::participants::ParticipantInput;
use crate::cases::view::{CaseView, ParticipantView};
use crate::cases::{CaseError, actor_of, lifecycle, participants, view};
use crate::domain::access::Access;
use crate::domain::ids::{AccountId, ParticipantId};
use crate::domain::role::Role;
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

fn participant_id(text: &str) -> Result<ParticipantId, CaseError> {
    ParticipantId::parse(text).map_err(|_| not_found())
}

/// The coordinator adds a staff member (by account) or a citizen (by CPR number) to the team.
pub async fn add(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, path, |case| async move {
        let role: Role =
            serde_json::from_value(serde_json::json!(field(form, "role").unwrap_or_default()))
                .map_err(|_| CaseError::invalid("role", "invalid.role.choose"))?;
        let access = if field(form, "access") == Some("write") {
            Access::Write
        } else {
            Access::Read
        };
        let account_id = field(form, "account_id")
            .map(AccountId::parse)
            .transpose()
            .map_err(|_| CaseError::invalid("account_id", "invalid.account.choose"))?;
        let input = ParticipantInput {
            role,
            access,
            account_id,
            cpr: field(form, "cpr"),
            name: field(form, "name"),
            email: field(form, "email"),
            department: None,
            has_custody: (role == Role::Parent).then(|| field(form, "has_custody").is_some()),
        };
        participants::add(state, &actor_of(who), case, input)
            .await
            .map(|_| ())
    })
    .await
}

/// The coordinator removes a participant: their access ends at once.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, &path.0, |case| async move {
        let participant = participant_id(&path.1)?;
        participants::remove(state, &actor_of(who), case, participant).await
    })
    .await
}

/// The coordinator's page for one participant: read or write access, or removal.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let result = async {
        let (case_id, id) = (ids(&path.0)?, participant_id(&path.1)?);
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
    who: Authenticated,
    path: web::Path<(String, String)>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, &path.0, |case| async move {
        let access = match field(form, "access") {
            Some("read") => Access::Read,
            Some("write") => Access::Write,
            _ => {
                return Err(CaseError::invalid("access", "invalid.access.choose"));
            }
        };
        let id = participant_id(&path.1)?;
        participants::set_access(state, &actor_of(who), case, id, access).await
    })
    .await
}

pub async fn grant_parent_access(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(String, String)>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form, path) = (&state, &who, &form, &path);
    on_case(&req, who, form, &path.0, |case| async move {
        let id = participant_id(&path.1)?;
        participants::grant_parent_access(state, &actor_of(who), case, id).await
    })
    .await
}

pub async fn hand_over(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    form: FormPairs,
) -> HttpResponse {
    let (state, who, form) = (&state, &who, &form);
    on_case(&req, who, form, &path, |case| async move {
        let to = field(form, "account_id")
            .and_then(|id| AccountId::parse(id).ok())
            .ok_or_else(|| CaseError::invalid("account_id", "invalid.account.choose"))?;
        lifecycle::hand_over(state, &actor_of(who), case, to).await
    })
    .await
}

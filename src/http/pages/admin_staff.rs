//! `/admin/staff/{account_id}`: one staff member for the admin (issue #16): which cases they can
//! reach and whether sharing lets them read there (no document titles), and the leaver's form:
//! deactivate and hand every case they coordinate to a chosen colleague in one step.

use super::forms::{PageForm, answer, see_other};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{CaseError, actor_of};
use crate::domain::department::Department;
use crate::domain::ids::AccountId;
use crate::http::input::FormFields;
use crate::staff::grants::{CaseGrant, MovePreview, StaffGrants};
use crate::staff::offboard::Successors;
use crate::store::accounts::StaffListing;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_staff.html")]
struct StaffPage {
    chrome: Chrome,
    member: StaffGrants,
    /// Active colleagues who could take the cases over (not the member, not the admin).
    successors: Vec<StaffListing>,
    coordinated: usize,
    is_me: bool,
    offboarded: bool,
    csrf_token: String,
    departments: Vec<&'static str>,
    /// What a move to the chosen department would change, before it is saved.
    preview: Option<MovePreview>,
}
super::layout::with_chrome!(StaffPage);

impl StaffPage {
    fn department(&self) -> String {
        let key = format!("dept.{}", self.member.department.as_str());
        self.t.get(&key).to_owned()
    }

    fn part_label(&self, grant: &CaseGrant) -> String {
        match grant.part.as_str() {
            "coordinator" => self.t.get("admin_staff.coordinator").to_owned(),
            role => self.t.get(&format!("role.{role}")).to_owned(),
        }
    }

    fn access_label(&self, grant: &CaseGrant) -> String {
        self.t
            .get(&format!("access.{}", grant.access.as_str()))
            .to_owned()
    }

    fn dept_label(&self, code: &str) -> String {
        self.t.get(&format!("dept.{code}")).to_owned()
    }

    fn reads(&self, yes: &bool) -> String {
        let key = if *yes {
            "admin_staff.reads_yes"
        } else {
            "admin_staff.reads_no"
        };
        self.t.get(key).to_owned()
    }

    fn status_label(&self, grant: &CaseGrant) -> String {
        self.t
            .get(&format!("case_status.{}", grant.status.as_str()))
            .to_owned()
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    /// Preview a move to this department (`?move_to=adult`).
    move_to: Option<Department>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<AccountId>,
    query: web::Query<ShowQuery>,
) -> HttpResponse {
    let result = async {
        let actor = actor_of(&who);
        let member = crate::staff::grants::for_staff(&state, &actor, *path).await?;
        let successors = crate::staff::search::for_admin(&state, &actor, "")
            .await?
            .into_iter()
            .filter(|s| s.is_active && s.id != member.account_id.to_string())
            .filter(|s| s.id != who.account.id.to_string())
            .collect();
        let preview = match query.move_to {
            Some(to) if to != member.department && member.account_id != who.account.id => {
                Some(crate::staff::grants::preview_move(&state, &actor, *path, to).await?)
            }
            _ => None,
        };
        let coordinated = member
            .cases
            .iter()
            .filter(|c| c.part == "coordinator")
            .count();
        Ok(render(
            StatusCode::OK,
            &StaffPage {
                chrome: Chrome::for_request(&req),
                is_me: member.account_id == who.account.id,
                member,
                successors,
                coordinated,
                offboarded: query.done.as_deref() == Some("offboarded"),
                csrf_token: who.session.csrf_token.clone(),
                departments: Department::ALL.iter().map(|d| d.as_str()).collect(),
                preview,
            },
        ))
    }
    .await;
    answer(&req, result)
}

/// The leaver's form: one colleague takes every case over (per-case choices are the API's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffboardForm {
    hand_over_to: Option<AccountId>,
}

impl FormFields for OffboardForm {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("hand_over_to", "invalid.account.choose")
    }
}

pub async fn offboard(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<AccountId>,
    form: PageForm<OffboardForm>,
) -> HttpResponse {
    let leaver = path.into_inner();
    let successors = form.fields.hand_over_to.map(Successors::One);
    let done =
        crate::staff::offboard::offboard(&state, &actor_of(&form.who), leaver, successors).await;
    answer(
        &req,
        done.map(|_| see_other(format!("/admin/staff/{leaver}?done=offboarded"))),
    )
}

//! The municipal admin's page: the staff of the municipality, with deactivation and the admin
//! flag, over the staff service (`crate::staff`). Admins reassign a case's coordinator from the
//! case page (found by the staff search); they never read documents unless they are participants.

use super::confirm::{Question, ask};
use super::forms::{PageForm, answer};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{CaseError, actor_of};
use crate::domain::department::Department;
use crate::domain::ids::AccountId;
use crate::http::input::FormFields;
use crate::staff::overview::Overview;
use crate::staff::{self, flags::FlagChange};
use crate::store::accounts::StaffListing;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    staff: Vec<StaffListing>,
    overview: Overview,
    query: String,
    me: String,
    csrf_token: String,
    departments: Vec<&'static str>,
    /// False where the directory alone creates staff: the form is not offered.
    admins_create_staff: bool,
}
super::layout::with_chrome!(AdminPage);

impl AdminPage {
    fn dept_label(&self, code: &str) -> String {
        self.t.get(&format!("dept.{code}")).to_owned()
    }

    fn department_label(&self, member: &StaffListing) -> String {
        self.t
            .get(&format!("dept.{}", member.department.as_str()))
            .to_owned()
    }
}

#[derive(serde::Deserialize)]
pub struct StaffQuery {
    q: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    query: web::Query<StaffQuery>,
) -> HttpResponse {
    let result = async {
        let query = query.q.clone().unwrap_or_default();
        let actor = actor_of(&who);
        let staff = staff::search::for_admin(&state, &actor, &query).await?;
        let overview = staff::overview::for_admin(&state, &actor).await?;
        let admins_create_staff = match who.account.municipality_id {
            Some(municipality) => staff::create::admins_create_staff(&state, municipality).await?,
            None => false,
        };
        let chrome = Chrome::for_request(&req);
        Ok(render(
            StatusCode::OK,
            &AdminPage {
                chrome,
                staff,
                overview,
                query,
                me: who.account.id.to_string(),
                csrf_token: who.session.csrf_token.clone(),
                departments: Department::ALL.iter().map(|d| d.as_str()).collect(),
                admins_create_staff,
            },
        ))
    }
    .await;
    answer(&req, result)
}

/// One button on the staff table: `change` is deactivate, activate, grant_admin, revoke_admin,
/// allow_creating_cases or deny_creating_cases.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffButton {
    change: FlagChange,
}

impl FormFields for StaffButton {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("change", "invalid.change.choose")
    }
}

pub async fn change_staff(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<AccountId>,
    form: PageForm<StaffButton>,
) -> HttpResponse {
    let actor = actor_of(&form.who);
    let change = form.fields.change.change();
    if form.fields.change == FlagChange::Deactivate && !form.confirmed {
        // Asked only of a deactivation that would pass; a refusal is answered at once.
        return match staff::flags::checked_change(&state, &actor, *path, change).await {
            Ok(member) => {
                let back = "/admin".to_owned();
                ask(
                    &req,
                    &form,
                    Question {
                        what: "deactivate",
                        name: &member.name,
                        back,
                    },
                )
            }
            Err(refused) => answer(&req, Err(refused)),
        };
    }
    let changed = staff::flags::set_flags(&state, &actor, *path, change).await;
    answer(&req, changed.map(|()| to_admin()))
}

/// The department form on the staff table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentChange {
    department: Department,
}

impl FormFields for DepartmentChange {
    fn unreadable(_field: &str) -> CaseError {
        CaseError::invalid("department", "invalid.department.choose")
    }
}

/// Moves the staff member to `department` (an admin's act, recorded; never their own).
pub async fn change_department(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<AccountId>,
    form: PageForm<DepartmentChange>,
) -> HttpResponse {
    let change = staff::flags::StaffChange {
        department: Some(form.fields.department),
        ..Default::default()
    };
    let changed = staff::flags::set_flags(&state, &actor_of(&form.who), *path, change).await;
    answer(&req, changed.map(|()| to_admin()))
}

fn to_admin() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin"))
        .finish()
}

/// The "Opret medarbejder" form on the admin page (a joiner).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStaffForm {
    name: Option<String>,
    email: Option<String>,
    department: Department,
    is_admin: Option<String>,
}

impl FormFields for NewStaffForm {
    fn unreadable(field: &str) -> CaseError {
        match field {
            "department" => CaseError::invalid("department", "invalid.department.choose"),
            _ => CaseError::invalid("form", "invalid.form.unreadable"),
        }
    }
}

/// Creates the staff member and shows their page.
pub async fn create_staff(
    req: HttpRequest,
    state: web::Data<App>,
    form: PageForm<NewStaffForm>,
) -> HttpResponse {
    let fields = &form.fields;
    let input = staff::create::StaffInput {
        name: fields.name.as_deref().unwrap_or_default(),
        email: fields.email.as_deref().unwrap_or_default(),
        department: fields.department,
        is_admin: fields.is_admin.is_some(),
    };
    let created = staff::create::from_input(&state, &actor_of(&form.who), input).await;
    answer(
        &req,
        created.map(|id| {
            HttpResponse::SeeOther()
                .insert_header((LOCATION, format!("/admin/staff/{id}")))
                .finish()
        }),
    )
}

//! The municipal admin's page: the staff of the municipality, with deactivation and the admin
//! flag, over the staff service (`crate::staff`). Admins reassign a case's coordinator from the
//! case page (found by the staff search); they never read documents unless they are participants.

use super::forms::{FormPairs, answer, check_csrf, field};
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::{CaseError, actor_of};
use crate::domain::ids::AccountId;
use crate::policy::Reason;
use crate::staff::{self, flags::FlagChange};
use crate::store::accounts::StaffListing;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    staff: Vec<StaffListing>,
    query: String,
    me: String,
    csrf_token: String,
}
super::layout::with_chrome!(AdminPage);

impl AdminPage {
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
        let staff = staff::search::for_admin(&state, &actor_of(&who), &query).await?;
        let chrome = Chrome::for_request(&req);
        Ok(render(
            StatusCode::OK,
            &AdminPage {
                chrome,
                staff,
                query,
                me: who.account.id.to_string(),
                csrf_token: who.session.csrf_token.clone(),
            },
        ))
    }
    .await;
    answer(&req, result)
}

/// One button on the staff table: `change` is deactivate, activate, grant_admin or revoke_admin.
pub async fn change_staff(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<String>,
    form: FormPairs,
) -> HttpResponse {
    let result = async {
        check_csrf(&who, &form)?;
        let target = AccountId::parse(&path).map_err(|_| CaseError::Denied(Reason::NotFound))?;
        let change = field(&form, "change")
            .and_then(FlagChange::parse)
            .ok_or_else(|| CaseError::invalid("change", "invalid.change.choose"))?;
        let (is_active, is_admin) = change.flags();
        let actor = actor_of(&who);
        staff::flags::set_flags(&state, &actor, target, is_active, is_admin).await?;
        Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/admin"))
            .finish())
    }
    .await;
    answer(&req, result)
}

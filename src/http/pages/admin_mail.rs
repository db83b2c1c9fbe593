//! `/admin/mail`: the admin's list of e-mails that could not be sent (who for, what kind, why),
//! over `notify::failures`. No case or document details are shown.

use super::display::local_time;
use super::forms::answer;
use super::layout::{Chrome, render};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::actor_of;
use crate::notify::failures;
use crate::store::outbox::FailedMessage;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin_mail.html")]
struct FailedMailPage {
    chrome: Chrome,
    failed: Vec<FailedMessage>,
}
super::layout::with_chrome!(FailedMailPage);

impl FailedMailPage {
    fn when(&self, message: &FailedMessage) -> String {
        local_time(message.failed_at.as_deref().unwrap_or(&message.created_at))
    }

    fn kind(&self, message: &FailedMessage) -> String {
        self.t
            .get(&format!("mail.subject.{}", message.event))
            .to_owned()
    }
}

pub async fn show(req: HttpRequest, state: web::Data<App>, who: Authenticated) -> HttpResponse {
    let result = async {
        let failed = failures::list(&state, &actor_of(&who)).await?;
        Ok(render(
            StatusCode::OK,
            &FailedMailPage {
                chrome: Chrome::for_request(&req),
                failed,
            },
        ))
    }
    .await;
    answer(&req, result)
}

//! "Dit samtykke": the receipt a giver gets after the consent flow (`consent_flow`), with the
//! date given, whom it shares with and "Ret" / "Træk tilbage", and the confirmation page before
//! a withdrawal that says what happens (the form posts to `consents::withdraw`).

use super::consent_flow::{Offer, offers};
use super::consent_status::own_consents;
use super::display::long_date;
use super::layout::{Chrome, render};
use super::notice::answer;
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::view;
use crate::cases::{CaseError, actor_of};
use crate::domain::ids::CaseId;
use crate::policy::Reason;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "consent_receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    case_id: String,
    consent_id: String,
    just_given: bool,
    active: bool,
    given_on: String,
    valid_until: Option<String>,
    withdrawn_on: Option<String>,
    offers: Vec<Offer>,
    may_withdraw: bool,
    may_change: bool,
}
super::layout::with_chrome!(ReceiptPage);

#[derive(Deserialize)]
pub struct ReceiptQuery {
    given: Option<u8>,
}

/// `GET /cases/{case_id}/consents/{consent_id}`: "Dit samtykke", the receipt after giving it.
/// Only its giver sees it here.
pub async fn receipt(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, Uuid)>,
    query: web::Query<ReceiptQuery>,
) -> HttpResponse {
    let (case, consent) = path.into_inner();
    let result = async {
        let view = view::show(&state, &actor_of(&who), case).await?;
        let mine = own_consents(&view);
        let c = mine
            .into_iter()
            .find(|c| c.id == consent.to_string())
            .ok_or(CaseError::Denied(Reason::NotFound))?;
        let chrome = Chrome::for_request(&req);
        let lang = chrome.lang;
        let page = ReceiptPage {
            case_id: view.id.clone(),
            consent_id: c.id.clone(),
            just_given: query.given.is_some() && c.active,
            active: c.active,
            given_on: long_date(&c.valid_from, lang),
            valid_until: c.valid_until.as_deref().map(|d| long_date(d, lang)),
            withdrawn_on: c.withdrawn_at.as_deref().map(|d| long_date(d, lang)),
            offers: offers(chrome.t, &view, &c.scope)
                .into_iter()
                .filter(|o| o.chosen)
                .collect(),
            may_withdraw: c.may_withdraw && c.active,
            may_change: c.active && view.permissions.give_consent,
            chrome,
        };
        Ok::<_, CaseError>(render(StatusCode::OK, &page))
    }
    .await;
    answer(&req, result)
}

#[derive(Template)]
#[template(path = "consent_withdraw.html")]
struct WithdrawPage {
    chrome: Chrome,
    case_id: String,
    consent_id: String,
    /// The reader withdraws a consent of their own (not the coordinator someone else's).
    own: bool,
    csrf_token: String,
}
super::layout::with_chrome!(WithdrawPage);

/// `GET /cases/{case_id}/consents/{consent_id}/withdraw`: what withdrawing does, and the button
/// that does it (the form posts to the same path).
pub async fn confirm_withdrawal(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<(CaseId, Uuid)>,
) -> HttpResponse {
    let (case, consent) = path.into_inner();
    let result = async {
        let view = view::show(&state, &actor_of(&who), case).await?;
        let own = own_consents(&view)
            .iter()
            .any(|c| c.id == consent.to_string());
        view.consents
            .iter()
            .find(|c| c.id == consent.to_string() && c.may_withdraw && c.active)
            .ok_or(CaseError::Denied(Reason::NotFound))?;
        let page = WithdrawPage {
            chrome: Chrome::for_request(&req),
            case_id: view.id.clone(),
            consent_id: consent.to_string(),
            own,
            csrf_token: who.session.csrf_token.clone(),
        };
        Ok::<_, CaseError>(render(StatusCode::OK, &page))
    }
    .await;
    answer(&req, result)
}

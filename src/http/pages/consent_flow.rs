//! Consent as a guided flow for the young person and custody holders (DKFDS step indicator):
//! what consent means and that "no" is allowed, whom to share with (each department with the
//! named team members in it), a review, and a receipt. Then "Dit samtykke" with "Ret" (a new
//! consent in place of the old, one transaction) and "Træk tilbage" behind a confirmation page
//! that says what happens. Each step is a plain GET form carrying the choices so far, so the flow
//! works without JavaScript; only the review posts. Every decision stays the policy's, through
//! the same service as the API (`/api/v1/cases/{case_id}/consents`).

use super::display::long_date;
use super::forms::{PageForm, see_other};
use super::layout::{Chrome, render};
use super::notice::{answer, refusal};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::view::{self, CaseView, ConsentView};
use crate::cases::{CaseError, actor_of};
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::domain::role::Role;
use crate::http::input::GiveConsent;
use crate::policy::Reason;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// The flow's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    #[default]
    About,
    Choose,
    Review,
}

impl Step {
    const ALL: [Step; 3] = [Step::About, Step::Choose, Step::Review];

    fn number(&self) -> usize {
        Self::ALL.iter().position(|s| s == self).unwrap_or(0) + 1
    }

    fn key(&self) -> &'static str {
        match self {
            Step::About => "consent_flow.step.about",
            Step::Choose => "consent_flow.step.choose",
            Step::Review => "consent_flow.step.review",
        }
    }

    fn query(&self) -> &'static str {
        match self {
            Step::About => "about",
            Step::Choose => "choose",
            Step::Review => "review",
        }
    }
}

/// The choices so far, as every step's query carries them.
#[derive(Debug, Default, Deserialize)]
pub struct FlowQuery {
    #[serde(default)]
    step: Step,
    #[serde(default)]
    scope: Vec<Department>,
    valid_until: Option<String>,
    /// The consent being changed ("Ret").
    replaces: Option<Uuid>,
}

/// A department offered in the choice: its name, the team members in it, whether chosen.
pub struct Offer {
    pub department: &'static str,
    pub label: String,
    pub members: Vec<String>,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "consent_flow.html")]
struct FlowPage {
    chrome: Chrome,
    case_id: String,
    young_name: String,
    /// The reader is a custody holder (the consent asked is theirs as parent).
    as_parent: bool,
    step: Step,
    steps: [Step; 3],
    offers: Vec<Offer>,
    valid_until: String,
    replaces: Option<Uuid>,
    /// The query of the choices so far, for the links between steps.
    carried: String,
    csrf_token: String,
    /// An error on the choice (DKFDS form-error and the summary above the form).
    error: Option<String>,
}
super::layout::with_chrome!(FlowPage);

impl FlowPage {
    fn chosen(&self) -> Vec<&Offer> {
        self.offers.iter().filter(|o| o.chosen).collect()
    }

    fn is_current(&self, step: &Step) -> bool {
        *step == self.step
    }

    fn is_done(&self, step: &Step) -> bool {
        step.number() < self.step.number()
    }

    fn choose_href(&self) -> String {
        self.href(&Step::Choose)
    }

    fn href(&self, step: &Step) -> String {
        format!(
            "/cases/{}/consent?step={}&{}",
            self.case_id,
            step.query(),
            self.carried
        )
    }
}

/// The young person or a custody holder who may consent, or the page saying why not.
async fn for_consenter(
    state: &App,
    who: &Authenticated,
    case: CaseId,
) -> Result<CaseView, CaseError> {
    let view = view::show(state, &actor_of(who), case).await?;
    if !view.permissions.give_consent {
        return Err(CaseError::Denied(Reason::NotAConsenter));
    }
    Ok(view)
}

/// The caller's own consents on the case, newest first.
pub fn own_consents(case: &CaseView) -> Vec<&ConsentView> {
    let mut own: Vec<&ConsentView> = case
        .consents
        .iter()
        .filter(|c| match case.my_role.as_str() {
            "young_person" => c.giver == "young_person",
            _ => Some(&c.given_by_participant_id) == case.my_participant_id.as_ref(),
        })
        .collect();
    own.sort_by(|a, b| b.valid_from.cmp(&a.valid_from));
    own
}

fn offers(t: &crate::i18n::Catalogue, case: &CaseView, chosen: &[Department]) -> Vec<Offer> {
    Department::ALL
        .iter()
        .map(|d| Offer {
            department: d.as_str(),
            label: t.get(&format!("dept.{}", d.as_str())).to_owned(),
            members: case
                .participants
                .iter()
                .filter(|p| p.role == Role::Professional && p.department == Some(*d))
                .map(|p| p.name.clone())
                .collect(),
            chosen: chosen.contains(d),
        })
        .collect()
}

fn carried(scope: &[Department], valid_until: &str, replaces: Option<Uuid>) -> String {
    let mut pairs: Vec<(&str, String)> = scope
        .iter()
        .map(|d| ("scope", d.as_str().to_owned()))
        .collect();
    if !valid_until.is_empty() {
        pairs.push(("valid_until", valid_until.to_owned()));
    }
    if let Some(old) = replaces {
        pairs.push(("replaces", old.to_string()));
    }
    serde_html_form::to_string(&pairs).unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn flow_page(
    req: &HttpRequest,
    who: &Authenticated,
    case: &CaseView,
    step: Step,
    scope: &[Department],
    valid_until: String,
    replaces: Option<Uuid>,
    error: Option<String>,
) -> FlowPage {
    let chrome = Chrome::for_request(req);
    let offers = offers(chrome.t, case, scope);
    FlowPage {
        case_id: case.id.clone(),
        young_name: case.young_person.name.clone(),
        as_parent: case.my_role == "parent",
        step,
        steps: Step::ALL,
        offers,
        carried: carried(scope, &valid_until, replaces),
        valid_until,
        replaces,
        csrf_token: who.session.csrf_token.clone(),
        error,
        chrome,
    }
}

/// `GET /cases/{case_id}/consent?step=…`: a step of the flow. Changing a consent starts from
/// its old choice.
pub async fn show(
    req: HttpRequest,
    state: web::Data<App>,
    who: Authenticated,
    path: web::Path<CaseId>,
) -> HttpResponse {
    let Ok(mut query) = serde_html_form::from_str::<FlowQuery>(req.query_string()) else {
        return refusal(&req, &CaseError::invalid("scope", "invalid.scope.empty"));
    };
    let result = async {
        let case = for_consenter(&state, &who, path.into_inner()).await?;
        if let Some(old) = query.replaces
            && query.scope.is_empty()
            && query.step == Step::About
            && let Some(old) = own_consents(&case)
                .into_iter()
                .find(|c| c.id == old.to_string())
        {
            query.scope = old.scope.clone();
        }
        // The review needs a choice: without one, the choice step says so.
        let (step, error) = if query.step == Step::Review && query.scope.is_empty() {
            let empty = CaseError::invalid("scope", "invalid.scope.empty");
            let lang = super::layout::lang_of(&req);
            let sentence = crate::error::UserError::answer(&empty).page_sentence(lang);
            (Step::Choose, Some(sentence))
        } else {
            (query.step, None)
        };
        let valid_until = query.valid_until.clone().unwrap_or_default();
        let page = flow_page(
            &req,
            &who,
            &case,
            step,
            &query.scope,
            valid_until,
            query.replaces,
            error,
        );
        Ok::<_, CaseError>(render(StatusCode::OK, &page))
    }
    .await;
    answer(&req, result)
}

/// `POST /cases/{case_id}/consent`: the review step's "Giv samtykke". On to the receipt; a
/// refusal of the input comes back on the choice step with what was chosen kept.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<CaseId>,
    form: PageForm<GiveConsent>,
) -> HttpResponse {
    let case = path.into_inner();
    let PageForm { who, fields } = form;
    let scope = fields.scope.clone();
    let valid_until = fields
        .valid_until
        .map(|d| d.to_string())
        .unwrap_or_default();
    let replaces = fields.replaces_consent_id;
    match fields.submit(&state, &actor_of(&who), case).await {
        Ok(id) => see_other(format!("/cases/{case}/consents/{id}?given=1")),
        Err(err @ CaseError::Invalid { .. }) => {
            let lang = super::layout::lang_of(&req);
            let sentence = crate::error::UserError::answer(&err).page_sentence(lang);
            let result = async {
                let view = for_consenter(&state, &who, case).await?;
                let page = flow_page(
                    &req,
                    &who,
                    &view,
                    Step::Choose,
                    &scope,
                    valid_until,
                    replaces,
                    Some(sentence),
                );
                Ok::<_, CaseError>(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            .await;
            answer(&req, result)
        }
        Err(err) => refusal(&req, &err),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choices_travel_between_steps_in_the_query() {
        let old = Uuid::nil();
        let query = carried(
            &[Department::JobCentre, Department::School],
            "2027-06-30",
            Some(old),
        );
        assert_eq!(
            query,
            format!("scope=job_centre&scope=school&valid_until=2027-06-30&replaces={old}")
        );
        let back: FlowQuery = serde_html_form::from_str(&format!("step=review&{query}")).unwrap();
        assert_eq!(back.step, Step::Review);
        assert_eq!(back.scope, [Department::JobCentre, Department::School]);
        assert_eq!(back.replaces, Some(old));
    }

    #[test]
    fn steps_are_numbered_in_order() {
        let numbers: Vec<usize> = Step::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [1, 2, 3]);
    }
}

//! Consent as a guided flow for the young person and custody holders (DKFDS step indicator):
//! what consent means and that "no" is allowed, whom to share with (each department with the
//! named team members in it), a review, then on to the receipt (`given_consent`). "Ret" runs the
//! same flow for a new consent in place of the old (one transaction). Each step is a plain GET
//! form carrying the choices so far, so the flow works without JavaScript; only the review posts.
//! Every decision stays the policy's, through the same service as the API
//! (`/api/v1/cases/{case_id}/consents`).

use super::consent_status::own_consents;
use super::display::department_label;
use super::forms::{PageForm, see_other};
use super::layout::{Chrome, lang_of, render};
use super::notice::{answer, refusal};
use crate::app::App;
use crate::auth::session::Authenticated;
use crate::cases::view::{self, CaseView};
use crate::cases::{CaseError, actor_of};
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::domain::role::Role;
use crate::error::UserError;
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

/// A step and the choices so far, as every step's query carries them. Not `Choices` flattened:
/// serde's flatten buffers a lone `scope=` as a string, which a `Vec` then refuses.
#[derive(Debug, Default, Deserialize)]
pub struct FlowQuery {
    #[serde(default)]
    step: Step,
    #[serde(default)]
    scope: Vec<Department>,
    #[serde(default)]
    valid_until: String,
    replaces: Option<Uuid>,
}

impl FlowQuery {
    fn split(self) -> (Step, Choices) {
        let choices = Choices {
            scope: self.scope,
            valid_until: self.valid_until,
            replaces: self.replaces,
        };
        (self.step, choices)
    }
}

/// What the person has chosen so far.
#[derive(Debug, Default)]
pub struct Choices {
    scope: Vec<Department>,
    /// The last day, as the date field sends it (YYYY-MM-DD); empty: until withdrawn.
    valid_until: String,
    /// The consent being changed ("Ret").
    replaces: Option<Uuid>,
}

impl Choices {
    /// The query that carries them on to the next step.
    fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .scope
            .iter()
            .map(|d| ("scope", d.as_str().to_owned()))
            .collect();
        if !self.valid_until.is_empty() {
            pairs.push(("valid_until", self.valid_until.clone()));
        }
        if let Some(old) = self.replaces {
            pairs.push(("replaces", old.to_string()));
        }
        serde_html_form::to_string(&pairs).unwrap_or_default()
    }
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

/// Every department, with the team members in it, marked when `chosen`.
pub(super) fn offers(
    t: &crate::i18n::Catalogue,
    case: &CaseView,
    chosen: &[Department],
) -> Vec<Offer> {
    Department::ALL
        .iter()
        .map(|d| Offer {
            department: d.as_str(),
            label: department_label(t, *d),
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

/// The sentence of a refusal, in the reader's language.
fn sentence(req: &HttpRequest, err: &CaseError) -> String {
    err.answer().page_sentence(lang_of(req))
}

fn flow_page(
    req: &HttpRequest,
    who: &Authenticated,
    case: &CaseView,
    step: Step,
    choices: Choices,
    error: Option<String>,
) -> FlowPage {
    let chrome = Chrome::for_request(req);
    FlowPage {
        case_id: case.id.clone(),
        young_name: case.young_person.name.clone(),
        as_parent: case.my_role == "parent",
        step,
        steps: Step::ALL,
        offers: offers(chrome.t, case, &choices.scope),
        carried: choices.query(),
        valid_until: choices.valid_until,
        replaces: choices.replaces,
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
    let Ok(query) = serde_html_form::from_str::<FlowQuery>(req.query_string()) else {
        return refusal(&req, &CaseError::invalid("form", "invalid.form.unreadable"));
    };
    let (step, mut choices) = query.split();
    let result = async {
        let case = for_consenter(&state, &who, path.into_inner()).await?;
        if let Some(old) = choices.replaces
            && choices.scope.is_empty()
            && step == Step::About
            && let Some(old) = own_consents(&case)
                .into_iter()
                .find(|c| c.id == old.to_string())
        {
            choices.scope = old.scope.clone();
        }
        // The review needs a choice: without one, the choice step says so.
        let (step, error) = if step == Step::Review && choices.scope.is_empty() {
            let empty = CaseError::invalid("scope", "invalid.scope.empty");
            (Step::Choose, Some(sentence(&req, &empty)))
        } else {
            (step, None)
        };
        let page = flow_page(&req, &who, &case, step, choices, error);
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
    let PageForm { who, fields, .. } = form;
    let choices = Choices {
        scope: fields.scope.clone(),
        valid_until: fields
            .valid_until
            .map(|d| d.to_string())
            .unwrap_or_default(),
        replaces: fields.replaces_consent_id,
    };
    match fields.submit(&state, &actor_of(&who), case).await {
        Ok(id) => see_other(format!("/cases/{case}/consents/{id}?given=1")),
        Err(err @ CaseError::Invalid { .. }) => {
            let error = Some(sentence(&req, &err));
            let result = async {
                let view = for_consenter(&state, &who, case).await?;
                let page = flow_page(&req, &who, &view, Step::Choose, choices, error);
                Ok::<_, CaseError>(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            .await;
            answer(&req, result)
        }
        Err(err) => refusal(&req, &err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choices_travel_between_steps_in_the_query() {
        let old = Uuid::nil();
        let choices = Choices {
            scope: vec![Department::JobCentre, Department::School],
            valid_until: "2027-06-30".to_owned(),
            replaces: Some(old),
        };
        let query = choices.query();
        assert_eq!(
            query,
            format!("scope=job_centre&scope=school&valid_until=2027-06-30&replaces={old}")
        );
        let back: FlowQuery = serde_html_form::from_str(&format!("step=review&{query}")).unwrap();
        let (step, back) = back.split();
        assert_eq!(step, Step::Review);
        assert_eq!(back.scope, [Department::JobCentre, Department::School]);
        assert_eq!(back.valid_until, "2027-06-30");
        assert_eq!(back.replaces, Some(old));
        let one: FlowQuery = serde_html_form::from_str("step=choose&scope=job_centre").unwrap();
        assert_eq!(one.split().1.scope, [Department::JobCentre], "a lone scope");
    }

    #[test]
    fn steps_are_numbered_in_order() {
        let numbers: Vec<usize> = Step::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [1, 2, 3]);
    }
}

//! Lists of cases: "Mine sager" and the staff search, each case as a list item and only those
//! the policy lets the actor view.

use super::view::{SharingView, case_view};
use super::{CaseResult, LoadedCase, allows};
use crate::app::App;
use crate::domain::ids::CaseId;
use crate::policy::{self, Action, Actor};
use crate::store::cases;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseListItem {
    pub id: String,
    pub young_person_name: String,
    pub role: String,
    pub status: crate::domain::case_status::CaseStatus,
    pub sharing: SharingView,
    pub turns_18_on: String,
    pub approaching_18: bool,
}

/// The cases the actor may view among `ids`, each as a list item.
async fn list_items(state: &App, actor: &Actor, ids: Vec<CaseId>) -> CaseResult<Vec<CaseListItem>> {
    let mut items = Vec::new();
    for (row, facts, participants, consents) in cases::load_many(&state.db, &ids).await? {
        let case = LoadedCase {
            row,
            facts,
            participants,
            consents,
        };
        if !allows(state, actor, Action::ViewCase, &case) {
            continue;
        }
        let view = case_view(state, actor, &case);
        items.push(CaseListItem {
            id: view.id,
            young_person_name: view.young_person.name,
            role: view.my_role,
            status: view.status,
            sharing: view.sharing,
            turns_18_on: view.young_person.turns_18_on,
            approaching_18: view.approaching_18,
        });
    }
    Ok(items)
}

/// "Mine sager": the cases the actor takes part in.
pub async fn mine(state: &App, actor: &Actor) -> CaseResult<Vec<CaseListItem>> {
    let ids = cases::ids_for_account(&state.db, actor.account).await?;
    list_items(state, actor, ids).await
}

/// Staff search by name or CPR within their own municipality; only viewable cases are listed.
pub async fn search(state: &App, actor: &Actor, query: &str) -> CaseResult<Vec<CaseListItem>> {
    let policy::ActorKind::Staff {
        municipality,
        is_admin,
        ..
    } = actor.kind
    else {
        return Err(super::CaseError::Denied(policy::Reason::StaffOnly));
    };
    // Admins may view every case of their municipality; other staff only their own (the policy
    // still decides each one below).
    let taking_part = (!is_admin).then_some(actor.account);
    let query = query.trim();
    let ids = match crate::domain::cpr::Cpr::parse(query) {
        Ok(cpr) => {
            let hash = state
                .lookup
                .hash(crate::crypto::purpose::LookupPurpose::Cpr, &cpr.compact());
            cases::search(&state.db, municipality, taking_part, None, Some(&hash)).await?
        }
        Err(_) if query.chars().count() >= 2 => {
            cases::search(&state.db, municipality, taking_part, Some(query), None).await?
        }
        Err(_) => Vec::new(),
    };
    list_items(state, actor, ids).await
}

//! The admin's overview of the municipality (issue #16): how many cases are active or closed,
//! which need attention (a deactivated coordinator, no consent of the young person, the 18th
//! birthday within six months), staff who can reach more cases than `admin.many_cases`, and
//! staff the directory asked to deactivate while they coordinate cases.
//! Counts and names of staff only: no young person, no document.

use super::search::allowed;
use crate::app::App;
use crate::cases::CaseResult;
use crate::cases::review::due_before;
use crate::cases::view::approaching_18;
use crate::clock::copenhagen_date;
use crate::policy::staff::StaffAction;
use crate::policy::{Actor, ActorKind, Reason};
use crate::store::overview;
use crate::store::time_text::to_text;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub active_cases: i64,
    pub closed_cases: i64,
    /// Cases whose coordinator is deactivated (offboarding prevents this; older data may not).
    pub cases_without_active_coordinator: i64,
    /// Active cases without a consent of the young person in force.
    pub cases_without_consent: i64,
    /// Active cases whose young person turns 18 within six months.
    pub cases_near_18: i64,
    /// Active cases whose access review is overdue (`admin.access_review_months`).
    pub access_reviews_overdue: i64,
    /// The threshold `many_cases` the list below uses.
    pub many_cases: u32,
    pub staff_with_many_cases: Vec<StaffLoad>,
    /// Active staff the municipality's directory asked to deactivate or delete (SCIM), refused
    /// while they coordinate cases: `cases` is how many they coordinate.
    pub directory_deactivations_waiting: Vec<StaffLoad>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffLoad {
    pub account_id: String,
    pub name: String,
    pub cases: i64,
}

impl From<(String, String, i64)> for StaffLoad {
    fn from((account_id, name, cases): (String, String, i64)) -> Self {
        Self {
            account_id,
            name,
            cases,
        }
    }
}

/// The overview of the admin's own municipality.
pub async fn for_admin(state: &App, actor: &Actor) -> CaseResult<Overview> {
    allowed(actor, StaffAction::Administer)?;
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(crate::cases::CaseError::Denied(Reason::StaffOnly));
    };
    let db = &state.db;
    let now = state.clock.now();
    let today = copenhagen_date(now);
    let (active_cases, closed_cases) = overview::cases_by_status(db, municipality).await?;
    let near = overview::active_birth_dates(db, municipality)
        .await?
        .into_iter()
        .filter(|born| approaching_18(*born, today))
        .count();
    let many_cases = state.settings.admin.many_cases;
    let staff = overview::staff_with_many_cases(db, municipality, i64::from(many_cases)).await?;
    let waiting = crate::store::directory::refused_deactivations(db, municipality).await?;
    Ok(Overview {
        active_cases,
        closed_cases,
        cases_without_active_coordinator: overview::without_active_coordinator(db, municipality)
            .await?,
        cases_without_consent: overview::without_young_persons_consent(
            db,
            municipality,
            &to_text(now),
            today,
        )
        .await?,
        cases_near_18: i64::try_from(near).unwrap_or(i64::MAX),
        access_reviews_overdue: overview::overdue_reviews(
            db,
            municipality,
            &to_text(due_before(now, state.settings.admin.access_review_months)),
        )
        .await?,
        many_cases,
        staff_with_many_cases: staff.into_iter().map(StaffLoad::from).collect(),
        directory_deactivations_waiting: waiting.into_iter().map(StaffLoad::from).collect(),
    })
}

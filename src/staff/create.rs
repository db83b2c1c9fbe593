//! Creating a staff account, with its access-log row (`create_staff`) in the same transaction:
//! by the operator (`vejviser staff create`, the demo seed; the row names no actor account and
//! the role `operator`), or by an admin of the municipality on the admin page or the API (the row
//! names the admin). A new account reaches no case until a coordinator or admin adds it.

use crate::app::App;
use crate::audit::{self, Event};
use crate::cases::{CaseError, CaseResult};
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::policy::staff::StaffAction;
use crate::policy::{Actor, ActorKind, Reason};
use crate::store::StoreError;
use crate::store::accounts::{self, NewStaff};
use crate::store::{Db, StoreResult, municipalities};
use time::OffsetDateTime;

/// Creates the staff account as the operator; a taken e-mail is `StoreError::Conflict`.
pub async fn by_operator(db: &Db, staff: &NewStaff, now: OffsetDateTime) -> StoreResult<AccountId> {
    let mut tx = db.begin().await?;
    let id = accounts::insert_staff(&mut tx, staff, now).await?;
    let event = Event {
        municipality: Some(staff.municipality_id),
        role: Some(ActorRole::Operator),
        ..Event::new(AuditAction::CreateStaff, now).account(id)
    };
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether admins of `municipality` create staff, or only its directory does
/// (`scim.clients.<name>.admins_create_staff = false`).
pub async fn admins_create_staff(state: &App, municipality: MunicipalityId) -> StoreResult<bool> {
    let scim = &state.settings.scim;
    if scim.clients.values().all(|c| c.admins_create_staff) {
        return Ok(true);
    }
    let code = municipalities::find(&state.db, municipality).await?.code;
    Ok(scim.admins_create_staff(&code))
}

/// Creates a staff account in the admin's own municipality (`StaffAction::Administer`); a taken
/// e-mail is 409 `conflict.staff_email_taken`, and where the directory alone creates staff, 409
/// `conflict.directory_creates_staff`.
pub async fn by_admin(state: &App, actor: &Actor, mut staff: NewStaff) -> CaseResult<AccountId> {
    super::search::allowed(actor, StaffAction::Administer)?;
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(CaseError::Denied(Reason::StaffOnly));
    };
    if !admins_create_staff(state, municipality).await? {
        return Err(CaseError::conflict("conflict.directory_creates_staff"));
    }
    staff.municipality_id = municipality;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = match accounts::insert_staff(&mut tx, &staff, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            return Err(CaseError::conflict("conflict.staff_email_taken"));
        }
        Err(e) => return Err(e.into()),
    };
    let event = Event::new(AuditAction::CreateStaff, now)
        .by(actor)
        .account(id);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(admin = %actor.account, staff = %id, "staff account created by an admin");
    Ok(id)
}

/// What an admin types to create a staff member; checked here, so the page and the API agree.
#[derive(Debug, Clone)]
pub struct StaffInput<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub department: crate::domain::department::Department,
    pub is_admin: bool,
}

/// `by_admin` from what was typed: a name and an e-mail that parse, or 422 naming the field.
pub async fn from_input(
    state: &App,
    actor: &Actor,
    input: StaffInput<'_>,
) -> CaseResult<AccountId> {
    super::search::allowed(actor, StaffAction::Administer)?;
    let name = crate::domain::person_name::PersonName::parse(input.name)
        .map_err(|e| CaseError::rejected("name", &e))?;
    let email = crate::domain::email::Email::parse(input.email)
        .map_err(|e| CaseError::rejected("email", &e))?;
    let staff = NewStaff {
        municipality_id: crate::domain::ids::MunicipalityId::default(),
        name,
        email,
        department: input.department,
        is_admin: input.is_admin,
    };
    by_admin(state, actor, staff).await
}

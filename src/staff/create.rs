//! Creating a staff account, with its access-log row (`create_staff`) in the same transaction.
//! Today only the operator creates staff (`vejviser staff create`, the demo seed); the row names
//! no actor account and the role `operator`.

use crate::audit::{self, Event};
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::ids::AccountId;
use crate::store::accounts::{self, NewStaff};
use crate::store::{Db, StoreResult};
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

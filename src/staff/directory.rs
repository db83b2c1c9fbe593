//! Provisioning from the municipality's directory (SCIM 2.0, issue #16): the directory creates,
//! changes, deactivates and deletes its municipality's staff, through the same rules as the admin
//! pages (`decide_directory`): a coordinator is not deactivated or deleted until an admin has
//! handed their cases over (refused, and listed on the admin overview meanwhile), deactivation
//! ends sessions at once, and every change is an access-log row by the role `directory`. The
//! directory never sets the admin or case-creating flag. A deleted account stays, deactivated and
//! off every team, for the access log; the directory no longer sees it.

use crate::app::App;
use crate::audit::{self, Event};
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::domain::person_name::PersonName;
use crate::policy::Decision;
use crate::policy::staff::{StaffTarget, decide_directory};
use crate::store::accounts::{self, NewStaff};
use crate::store::directory::{self, DirectoryUser, Matching};
use crate::store::{StoreError, Tx, cases, participants, sessions, staff_duties};
use time::OffsetDateTime;

/// The directory acting: which configured client, for which municipality.
#[derive(Debug, Clone, Copy)]
pub struct Directory<'a> {
    pub client: &'a str,
    pub municipality: MunicipalityId,
}

/// What the directory says a staff member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub email: Email,
    pub name: PersonName,
    pub department: Department,
    pub active: bool,
    pub external_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// No such staff member of the directory's municipality (or one it deleted).
    #[error("no such user")]
    NotFound,
    /// Another staff member of the municipality has this e-mail.
    #[error("another user has this userName")]
    EmailTaken,
    /// The person coordinates this many cases: an admin must hand them over first.
    #[error("coordinates {0} cases")]
    CoordinatesCases(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type DirectoryResult<T> = Result<T, DirectoryError>;

fn event(directory: Directory<'_>, action: AuditAction, now: OffsetDateTime) -> Event {
    Event {
        municipality: Some(directory.municipality),
        role: Some(ActorRole::Directory),
        ..Event::new(action, now)
    }
}

fn taken(e: StoreError) -> DirectoryError {
    match e {
        StoreError::Conflict(_) => DirectoryError::EmailTaken,
        other => other.into(),
    }
}

/// The directory's user `id`, as the policy lets it see it.
pub async fn find(
    state: &App,
    directory: Directory<'_>,
    id: AccountId,
) -> DirectoryResult<DirectoryUser> {
    let user = directory::find(&state.db, directory.municipality, id)
        .await?
        .ok_or(DirectoryError::NotFound)?;
    let target = StaffTarget {
        account: user.id,
        municipality: Some(directory.municipality),
    };
    match decide_directory(directory.municipality, Some(&target)) {
        Decision::Allow => Ok(user),
        Decision::Deny(_) => Err(DirectoryError::NotFound),
    }
}

/// A page of the municipality's staff matching `matching`, and how many match in all.
pub async fn list(
    state: &App,
    directory: Directory<'_>,
    matching: &Matching,
    offset: i64,
    limit: i64,
) -> DirectoryResult<(Vec<DirectoryUser>, i64)> {
    Ok(directory::list(&state.db, directory.municipality, matching, offset, limit).await?)
}

/// Creates a staff member (never an admin); the new account reaches no case until a
/// coordinator or admin adds it.
pub async fn create(
    state: &App,
    directory: Directory<'_>,
    entry: &Entry,
) -> DirectoryResult<DirectoryUser> {
    if let Decision::Deny(_) = decide_directory(directory.municipality, None) {
        return Err(DirectoryError::NotFound);
    }
    let now = state.clock.now();
    let staff = NewStaff {
        municipality_id: directory.municipality,
        name: entry.name.clone(),
        email: entry.email.clone(),
        department: entry.department,
        is_admin: false,
    };
    let mut tx = state.db.begin().await?;
    let id = accounts::insert_staff(&mut tx, &staff, now)
        .await
        .map_err(taken)?;
    if !entry.active {
        accounts::set_staff_flags(&mut tx, id, Some(false), None).await?;
    }
    directory::set_external_id(&mut tx, id, entry.external_id.as_deref()).await?;
    audit::record(
        &mut tx,
        &event(directory, AuditAction::CreateStaff, now).account(id),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(client = directory.client, staff = %id, "staff account created by the directory");
    find(state, directory, id).await
}

/// Makes the staff member what `entry` says, one access-log row for each kind of change; a
/// deactivation of someone who coordinates cases refuses the whole change.
pub async fn replace(
    state: &App,
    directory: Directory<'_>,
    id: AccountId,
    entry: &Entry,
) -> DirectoryResult<DirectoryUser> {
    let current = find(state, directory, id).await?;
    let deactivates = current.is_active && !entry.active;
    if deactivates {
        refuse_while_coordinating(state, directory, id).await?;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let mut changes = Vec::new();
    if current.name != entry.name.as_str() || current.email != entry.email.as_str() {
        directory::set_details(&mut tx, id, &entry.name, &entry.email)
            .await
            .map_err(taken)?;
        changes.push(AuditAction::ChangeStaffDetails);
    }
    if current.department != entry.department {
        staff_duties::set_department(&mut tx, id, entry.department).await?;
        changes.push(AuditAction::ChangeDepartment);
    }
    if current.is_active != entry.active {
        accounts::set_staff_flags(&mut tx, id, Some(entry.active), None).await?;
        changes.push(AuditAction::ChangeStaffFlags);
    }
    if current.external_id != entry.external_id {
        directory::set_external_id(&mut tx, id, entry.external_id.as_deref()).await?;
    }
    for action in &changes {
        audit::record(&mut tx, &event(directory, *action, now).account(id)).await?;
    }
    if deactivates {
        end_access(&mut tx, id).await?;
    }
    tx.commit().await?;
    if entry.active || deactivates {
        // The directory no longer asks for a deactivation that waits for a hand-over.
        directory::set_deactivation_refused(&state.db, id, None).await?;
    }
    if !changes.is_empty() {
        tracing::info!(client = directory.client, staff = %id, changes = changes.len(),
            "staff account changed by the directory");
    }
    find(state, directory, id).await
}

/// Deletes the staff member as the directory sees it: deactivated, off every team, sessions
/// ended, kept for the access log; refused while they coordinate cases.
pub async fn remove(state: &App, directory: Directory<'_>, id: AccountId) -> DirectoryResult<()> {
    let current = find(state, directory, id).await?;
    refuse_while_coordinating(state, directory, id).await?;
    let now = state.clock.now();
    let teams = participants::active_for_account(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    for (case, participant) in &teams {
        participants::remove(&mut tx, *participant, now).await?;
        let removed = Event {
            case: Some(*case),
            ..event(directory, AuditAction::RemoveParticipant, now)
        };
        audit::record(&mut tx, &removed.participant(*participant)).await?;
    }
    if current.is_active {
        accounts::set_staff_flags(&mut tx, id, Some(false), None).await?;
    }
    directory::mark_removed(&mut tx, id, now).await?;
    audit::record(
        &mut tx,
        &event(directory, AuditAction::RemoveStaff, now).account(id),
    )
    .await?;
    end_access(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(client = directory.client, staff = %id, teams = teams.len(),
        "staff account deleted by the directory");
    Ok(())
}

/// Refuses (and notes for the admin overview) a deactivation of someone who coordinates cases.
async fn refuse_while_coordinating(
    state: &App,
    directory: Directory<'_>,
    id: AccountId,
) -> DirectoryResult<()> {
    let coordinated = cases::count_coordinated_by(&state.db, id).await?;
    if coordinated == 0 {
        return Ok(());
    }
    directory::set_deactivation_refused(&state.db, id, Some(state.clock.now())).await?;
    tracing::warn!(client = directory.client, staff = %id, coordinated,
        "the directory's deactivation refused: the cases must be handed over first");
    Err(DirectoryError::CoordinatesCases(coordinated))
}

/// Ends the account's sessions; inside the transaction, re-checks that no case was made or
/// handed to it meanwhile (which would be left without an active coordinator).
async fn end_access(tx: &mut Tx, id: AccountId) -> DirectoryResult<()> {
    let coordinated = cases::count_coordinated_by_in(tx, id).await?;
    if coordinated > 0 {
        return Err(DirectoryError::CoordinatesCases(coordinated));
    }
    sessions::delete_for_account_in(tx, id).await?;
    Ok(())
}

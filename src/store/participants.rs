//! Participants of a case: staff by account, citizens by account or (until they first log in)
//! by an invitation keyed on their CPR hash.

use super::columns::{corrupt, optional_date, word};
use super::time_text::to_text;
use super::{Db, StoreResult};
use crate::domain::access::Access;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId, ParticipantId};
use crate::domain::role::Role;
use crate::policy::Participant;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone)]
pub struct ParticipantRow {
    pub fact: Participant,
    /// The account's name, or the invited name while the citizen has not logged in.
    pub name: String,
    pub invited_cpr_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub case_id: CaseId,
    pub account: Option<AccountId>,
    pub invited_cpr_hash: Option<String>,
    pub invited_name: Option<String>,
    pub invited_email: Option<String>,
    pub role: Role,
    pub department: Option<Department>,
    pub has_custody: bool,
    pub access: Access,
    pub added_by: AccountId,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewParticipant,
    now: OffsetDateTime,
) -> StoreResult<ParticipantId> {
    let id = ParticipantId::new();
    sqlx::query(
        "INSERT INTO participants (id, case_id, account_id, invited_cpr_hash, invited_name, invited_email, role, \
         department, has_custody, access, added_at, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.to_string())
    .bind(new.case_id.to_string())
    .bind(new.account.map(|a| a.to_string()))
    .bind(new.invited_cpr_hash.clone())
    .bind(new.invited_name.clone())
    .bind(new.invited_email.clone())
    .bind(new.role.as_str())
    .bind(new.department.map(|d| d.as_str().to_owned()))
    .bind(i64::from(new.has_custody))
    .bind(new.access.as_str())
    .bind(to_text(now))
    .bind(new.added_by.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The case's current participants, in the order added. A professional's department is their
/// staff account's as it is now, never what was said when they were added.
pub async fn for_case(db: &Db, case: CaseId) -> StoreResult<Vec<ParticipantRow>> {
    of_case(db, case, false).await
}

/// The participants removed from the case that have an account: no part in the case any more,
/// but the consents they gave are still theirs to see and withdraw.
pub async fn former_for_case(db: &Db, case: CaseId) -> StoreResult<Vec<ParticipantRow>> {
    of_case(db, case, true).await
}

async fn of_case(db: &Db, case: CaseId, removed: bool) -> StoreResult<Vec<ParticipantRow>> {
    let rows = sqlx::query(
        "SELECT p.id, p.account_id, p.invited_cpr_hash, COALESCE(a.name, p.invited_name, '') AS name, p.role, \
         CASE WHEN p.role = 'professional' THEN COALESCE(a.department, p.department) ELSE p.department END \
         AS department, p.has_custody, p.access, p.adult_grant_on \
         FROM participants p LEFT JOIN accounts a ON a.id = p.account_id \
         WHERE p.case_id = $1 AND (CASE WHEN p.removed_at IS NULL THEN 0 ELSE 1 END) = $2 \
         AND ($2 = 0 OR p.account_id IS NOT NULL) ORDER BY p.added_at, p.id",
    )
    .bind(case.to_string())
    .bind(i64::from(removed))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(participant_from).collect()
}

/// Of each case in `cases`: its current participants and its former ones with an account (as
/// `for_case` and `former_for_case`), in one query.
pub async fn for_cases(
    db: &Db,
    cases: &[CaseId],
) -> StoreResult<std::collections::HashMap<CaseId, (Vec<ParticipantRow>, Vec<ParticipantRow>)>> {
    let mut found: std::collections::HashMap<CaseId, (Vec<ParticipantRow>, Vec<ParticipantRow>)> =
        std::collections::HashMap::new();
    let rows = super::columns::fetch_for_cases(db, "SELECT p.case_id, CASE WHEN p.removed_at IS NULL THEN 0 ELSE 1 END AS removed, \
         p.id, p.account_id, p.invited_cpr_hash, COALESCE(a.name, p.invited_name, '') AS name, p.role, \
         CASE WHEN p.role = 'professional' THEN COALESCE(a.department, p.department) ELSE p.department END \
         AS department, p.has_custody, p.access, p.adult_grant_on \
         FROM participants p LEFT JOIN accounts a ON a.id = p.account_id \
         WHERE p.case_id IN ({ids}) AND (p.removed_at IS NULL OR p.account_id IS NOT NULL) \
         ORDER BY p.added_at, p.id", cases).await?;
    for row in rows {
        let case = CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?;
        let (current, former) = found.entry(case).or_default();
        if row.try_get::<i64, _>("removed")? == 0 {
            current.push(participant_from(&row)?);
        } else {
            former.push(participant_from(&row)?);
        }
    }
    Ok(found)
}

fn participant_from(row: &sqlx::any::AnyRow) -> StoreResult<ParticipantRow> {
    let role: Role = word(row, "role")?;
    let access: Access = word(row, "access")?;
    let department = row
        .try_get::<Option<String>, _>("department")?
        .map(|d| d.parse::<Department>().map_err(corrupt))
        .transpose()?;
    let adult_grant_on = optional_date(row, "adult_grant_on")?;
    Ok(ParticipantRow {
        fact: Participant {
            id: ParticipantId::parse(row.try_get("id")?).map_err(corrupt)?,
            account: row
                .try_get::<Option<String>, _>("account_id")?
                .map(|a| AccountId::parse(&a).map_err(corrupt))
                .transpose()?,
            role,
            department,
            access,
            has_custody: row.try_get::<i64, _>("has_custody")? != 0,
            adult_grant_on,
        },
        name: row.try_get("name")?,
        invited_cpr_hash: row.try_get("invited_cpr_hash")?,
    })
}

pub async fn set_access(
    conn: &mut AnyConnection,
    id: ParticipantId,
    access: Access,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET access = $2 WHERE id = $1 AND removed_at IS NULL")
        .bind(id.to_string())
        .bind(access.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An account's current participations (cases not erased): case and participant.
pub async fn active_for_account(
    db: &Db,
    account: AccountId,
) -> StoreResult<Vec<(CaseId, ParticipantId)>> {
    let rows = sqlx::query(
        "SELECT p.case_id, p.id FROM participants p JOIN cases c ON c.id = p.case_id \
         WHERE p.account_id = $1 AND p.removed_at IS NULL AND c.status <> 'erased' \
         ORDER BY p.added_at",
    )
    .bind(account.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let case = CaseId::parse(r.try_get("case_id")?).map_err(corrupt)?;
            let id = ParticipantId::parse(r.try_get("id")?).map_err(corrupt)?;
            Ok((case, id))
        })
        .collect()
}

pub async fn remove(
    conn: &mut AnyConnection,
    id: ParticipantId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL")
        .bind(id.to_string())
        .bind(to_text(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_adult_grant(
    conn: &mut AnyConnection,
    id: ParticipantId,
    on: Date,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET adult_grant_on = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(on.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A citizen who logs in for the first time finds the invitations made for their CPR number.
pub async fn link_invitations(
    conn: &mut AnyConnection,
    account: AccountId,
    cpr_hash: &str,
) -> StoreResult<u64> {
    let done = sqlx::query("UPDATE participants SET account_id = $1 WHERE invited_cpr_hash = $2 AND account_id IS NULL")
        .bind(account.to_string())
        .bind(cpr_hash)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

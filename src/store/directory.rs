//! The staff accounts as the municipality's directory sees them over SCIM (issue #16): found by
//! id, e-mail (`userName`) or the directory's own id (`externalId`), their details changed, and
//! marked when the directory deleted them (they stay, deactivated, for the access log) or asked
//! to deactivate someone who still coordinates cases.

use super::columns::corrupt;
use super::time_text::to_text;
use super::{Db, StoreError, StoreResult};
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::domain::person_name::PersonName;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

/// A staff account the directory has not deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: AccountId,
    pub name: String,
    pub email: String,
    pub department: Department,
    pub is_active: bool,
    pub external_id: Option<String>,
    /// As stored (RFC 3339).
    pub created_at: String,
}

/// Which accounts a listing asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matching {
    All,
    /// `userName eq "…"`: the e-mail, without regard to case.
    UserName(String),
    /// `externalId eq "…"`: exactly.
    ExternalId(String),
}

const COLUMNS: &str = "id, name, email, department, is_active, scim_external_id, created_at";
const LIVE_STAFF: &str = "kind = 'staff' AND municipality_id = $1 AND directory_removed_at IS NULL";

fn user_from(row: &sqlx::any::AnyRow) -> StoreResult<DirectoryUser> {
    Ok(DirectoryUser {
        id: AccountId::parse(row.try_get("id")?).map_err(corrupt)?,
        name: row.try_get("name")?,
        email: row
            .try_get::<Option<String>, _>("email")?
            .unwrap_or_default(),
        department: row
            .try_get::<String, _>("department")?
            .parse()
            .map_err(corrupt)?,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
        external_id: row.try_get("scim_external_id")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn find(
    db: &Db,
    municipality: MunicipalityId,
    id: AccountId,
) -> StoreResult<Option<DirectoryUser>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM accounts WHERE {LIVE_STAFF} AND id = $2"
    )))
    .bind(municipality.to_string())
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(user_from).transpose()
}

/// One page of the matching accounts, oldest first, and how many match in all.
pub async fn list(
    db: &Db,
    municipality: MunicipalityId,
    matching: &Matching,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<DirectoryUser>, i64)> {
    let (condition, value) = match matching {
        Matching::All => ("$2 IS NULL", None),
        Matching::UserName(name) => ("lower(email) = lower($2)", Some(name.as_str())),
        Matching::ExternalId(id) => ("scim_external_id = $2", Some(id.as_str())),
    };
    let total = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM accounts WHERE {LIVE_STAFF} AND {condition}"
    )))
    .bind(municipality.to_string())
    .bind(value)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM accounts WHERE {LIVE_STAFF} AND {condition} \
         ORDER BY created_at, id LIMIT $3 OFFSET $4"
    )))
    .bind(municipality.to_string())
    .bind(value)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let users = rows.iter().map(user_from).collect::<StoreResult<_>>()?;
    Ok((users, total))
}

/// Sets the name and e-mail; an e-mail another staff member of the municipality has is
/// `StoreError::Conflict`.
pub async fn set_details(
    conn: &mut AnyConnection,
    id: AccountId,
    name: &PersonName,
    email: &Email,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET name = $2, email = $3 WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .bind(name.as_str())
        .bind(email.as_str())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "a staff member with this e-mail"))?;
    Ok(())
}

pub async fn set_external_id(
    conn: &mut AnyConnection,
    id: AccountId,
    external_id: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET scim_external_id = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(external_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_removed(
    conn: &mut AnyConnection,
    id: AccountId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET directory_removed_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(to_text(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Notes (or, with None, clears) that the directory asked to deactivate the account while it
/// coordinated cases.
pub async fn set_deactivation_refused(
    db: &Db,
    id: AccountId,
    at: Option<OffsetDateTime>,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET directory_deactivation_refused_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(at.map(to_text))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Active staff of the municipality whose deactivation the directory asked for and was refused
/// (they coordinate cases): id, name and how many cases they coordinate, longest waiting first.
pub async fn refused_deactivations(
    db: &Db,
    municipality: MunicipalityId,
) -> StoreResult<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT a.id, a.name, (SELECT COUNT(*) FROM cases c WHERE c.coordinator_id = a.id \
           AND c.status <> 'erased') AS cases \
         FROM accounts a WHERE a.kind = 'staff' AND a.municipality_id = $1 AND a.is_active = 1 \
         AND a.directory_deactivation_refused_at IS NOT NULL \
         ORDER BY a.directory_deactivation_refused_at",
    )
    .bind(municipality.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("cases")?)))
        .collect()
}

//! What separation of duties needs to know and change about staff accounts: the department, the
//! `may_create_cases` flag, and the keyed hash of a staff member's own CPR number (so that the
//! policy can refuse them adding, consenting for or opening a case about themselves).

use super::columns::corrupt;
use super::{Db, StoreResult};
use crate::domain::department::Department;
use crate::domain::ids::AccountId;
use sqlx::{AnyConnection, Row};

pub async fn set_department(
    conn: &mut AnyConnection,
    id: AccountId,
    department: Department,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET department = $2 WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .bind(department.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_may_create_cases(
    conn: &mut AnyConnection,
    id: AccountId,
    may: bool,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET may_create_cases = $2 WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .bind(i64::from(may))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the lookup hash (`LookupPurpose::Cpr`) of a staff member's own CPR number.
pub async fn set_own_cpr_hash(
    conn: &mut AnyConnection,
    id: AccountId,
    cpr_hash: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET staff_cpr_hash = $2 WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .bind(cpr_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The lookup hash of the account's own CPR number, if known: a citizen's always, a staff
/// member's when an operator recorded it (`vejviser staff set-cpr`).
pub async fn own_cpr_hash(db: &Db, id: AccountId) -> StoreResult<Option<String>> {
    let row = sqlx::query(
        "SELECT CASE WHEN kind = 'staff' THEN staff_cpr_hash ELSE cpr_hash END AS own FROM accounts WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .map(|r| r.try_get::<Option<String>, _>("own"))
        .transpose()?
        .flatten())
}

/// The department of a staff account, or None for a citizen or no account.
pub async fn department_of(db: &Db, id: AccountId) -> StoreResult<Option<Department>> {
    let row = sqlx::query("SELECT department FROM accounts WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| r.try_get::<String, _>("department"))
        .transpose()?
        .map(|d| d.parse::<Department>().map_err(corrupt))
        .transpose()
}

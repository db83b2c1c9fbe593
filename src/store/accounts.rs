//! Accounts: staff members (of one municipality) and citizens, with their linked identities.
//! Only what the foundation needs lives here yet: creating and finding staff.

use super::time_text::to_text;
use super::{Db, StoreError, StoreResult};
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::domain::person_name::PersonName;
use sqlx::Row;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub municipality_id: MunicipalityId,
    pub name: PersonName,
    pub email: Email,
    pub department: Department,
    pub is_admin: bool,
}

#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub id: AccountId,
    pub municipality_id: MunicipalityId,
    pub name: String,
    pub email: String,
    pub department: Department,
    pub is_admin: bool,
    pub is_active: bool,
}

pub async fn create_staff(
    db: &Db,
    staff: &NewStaff,
    now: OffsetDateTime,
) -> StoreResult<AccountId> {
    let id = AccountId::new();
    sqlx::query(
        "INSERT INTO accounts (id, kind, municipality_id, name, email, department, is_admin, created_at) \
         VALUES ($1, 'staff', $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(staff.municipality_id.to_string())
    .bind(staff.name.as_str())
    .bind(staff.email.as_str())
    .bind(staff.department.as_str())
    .bind(i64::from(staff.is_admin))
    .bind(to_text(now))
    .execute(db.pool())
    .await
    .map_err(|e| StoreError::from_sqlx(e, "a staff member with this e-mail in the municipality"))?;
    Ok(id)
}

pub async fn find_staff_by_email(
    db: &Db,
    municipality_id: MunicipalityId,
    email: &Email,
) -> StoreResult<StaffAccount> {
    let row = sqlx::query(
        "SELECT id, municipality_id, name, email, department, is_admin, is_active FROM accounts \
         WHERE kind = 'staff' AND municipality_id = $1 AND lower(email) = lower($2)",
    )
    .bind(municipality_id.to_string())
    .bind(email.as_str())
    .fetch_one(db.pool())
    .await?;
    let corrupt = |e: String| StoreError::Corrupt(e);
    Ok(StaffAccount {
        id: AccountId::parse(row.try_get("id")?).map_err(|e| corrupt(e.to_string()))?,
        municipality_id: MunicipalityId::parse(row.try_get("municipality_id")?)
            .map_err(|e| corrupt(e.to_string()))?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        department: row
            .try_get::<String, _>("department")?
            .parse()
            .map_err(|e: crate::domain::department::UnknownDepartment| corrupt(e.to_string()))?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
    })
}

//! Accounts: staff members (of one municipality) and citizens, with their linked identities.
//! Only what the foundation needs lives here yet: creating and finding staff.

use super::columns::corrupt;
use super::time_text::to_text;
use super::{Db, StoreError, StoreResult};
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::domain::person_name::PersonName;
use sqlx::{AnyConnection, Row};
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

/// Inserts a staff account inside the caller's transaction (`staff::create` records it).
pub async fn insert_staff(
    conn: &mut AnyConnection,
    staff: &NewStaff,
    now: OffsetDateTime,
) -> StoreResult<AccountId> {
    let id = AccountId::new();
    sqlx::query(
        "INSERT INTO accounts (id, kind, municipality_id, name, email, department, is_admin, created_at, \
         may_create_cases, email_confirmed_at) VALUES ($1, 'staff', $2, $3, $4, $5, $6, $7, $8, $7)",
    )
    .bind(id.to_string())
    .bind(staff.municipality_id.to_string())
    .bind(staff.name.as_str())
    .bind(staff.email.as_str())
    .bind(staff.department.as_str())
    .bind(i64::from(staff.is_admin))
    .bind(to_text(now))
    .bind(i64::from(staff.department.creates_cases()))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(e, "a staff member with this e-mail in the municipality"))?;
    // The municipality registered the address (`email_confirmed_at` above): it counts as confirmed.
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
    Ok(StaffAccount {
        id: AccountId::parse(row.try_get("id")?).map_err(corrupt)?,
        municipality_id: MunicipalityId::parse(row.try_get("municipality_id")?).map_err(corrupt)?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        department: row
            .try_get::<String, _>("department")?
            .parse()
            .map_err(corrupt)?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Staff,
    Citizen,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Citizen => "citizen",
        }
    }
}

/// What a session needs to know about its account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub kind: AccountKind,
    pub municipality_id: Option<MunicipalityId>,
    pub name: String,
    pub is_admin: bool,
    pub is_active: bool,
    /// The staff flag that lets a caseworker create cases.
    pub may_create_cases: bool,
}

const ACCOUNT_COLUMNS: &str =
    "a.id, a.kind, a.municipality_id, a.name, a.is_admin, a.is_active, a.may_create_cases";

fn account_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Account> {
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "staff" => AccountKind::Staff,
        "citizen" => AccountKind::Citizen,
        other => return Err(corrupt(format!("account kind {other}"))),
    };
    let municipality_id = row
        .try_get::<Option<String>, _>("municipality_id")?
        .map(|m| MunicipalityId::parse(&m).map_err(corrupt))
        .transpose()?;
    Ok(Account {
        id: AccountId::parse(row.try_get("id")?).map_err(corrupt)?,
        kind,
        municipality_id,
        name: row.try_get("name")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
        may_create_cases: row.try_get::<i64, _>("may_create_cases")? != 0,
    })
}

pub async fn find(db: &Db, id: AccountId) -> StoreResult<Account> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1"
    )))
    .bind(id.to_string())
    .fetch_one(db.pool())
    .await?;
    account_from_row(&row)
}

/// `find` inside the caller's transaction.
pub async fn find_in(conn: &mut AnyConnection, id: AccountId) -> StoreResult<Account> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1"
    )))
    .bind(id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    account_from_row(&row)
}

/// Locks the account for the rest of the transaction (a write first, so SQLite takes its write
/// lock and PostgreSQL the row lock) and returns the subjects it already has at `issuer`.
pub async fn lock_subjects_at(
    conn: &mut AnyConnection,
    account_id: AccountId,
    issuer: &str,
) -> StoreResult<Vec<String>> {
    sqlx::query("UPDATE accounts SET name = name WHERE id = $1")
        .bind(account_id.to_string())
        .execute(&mut *conn)
        .await?;
    let rows =
        sqlx::query("SELECT subject FROM account_identities WHERE account_id = $1 AND issuer = $2")
            .bind(account_id.to_string())
            .bind(issuer)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| r.try_get("subject").map_err(Into::into))
        .collect()
}

/// The account linked to an (issuer, subject) identity.
pub async fn find_by_identity(
    db: &Db,
    issuer: &str,
    subject: &str,
) -> StoreResult<Option<Account>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM account_identities i JOIN accounts a ON a.id = i.account_id \
         WHERE i.issuer = $1 AND i.subject = $2"
    )))
    .bind(issuer)
    .bind(subject)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

pub async fn find_citizen_by_cpr_hash(db: &Db, cpr_hash: &str) -> StoreResult<Option<Account>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.kind = 'citizen' AND a.cpr_hash = $1"
    )))
    .bind(cpr_hash)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

pub async fn link_identity(
    conn: &mut AnyConnection,
    account_id: AccountId,
    issuer: &str,
    subject: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO account_identities (issuer, subject, account_id, linked_at) VALUES ($1, $2, $3, $4)")
        .bind(issuer)
        .bind(subject)
        .bind(account_id.to_string())
        .bind(to_text(now))
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "this login identity"))?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub name: PersonName,
    pub email: Option<Email>,
    /// The identity provider said `email_verified: true`: the address counts as confirmed.
    pub email_verified: bool,
    pub cpr_hash: String,
    pub cpr_sealed: Vec<u8>,
    pub birth_date: time::Date,
}

/// Creates a citizen's account and links their login identity (both inside the caller's transaction).
pub async fn create_citizen(
    conn: &mut AnyConnection,
    citizen: &NewCitizen,
    issuer: &str,
    subject: &str,
    now: OffsetDateTime,
) -> StoreResult<AccountId> {
    let id = AccountId::new();
    sqlx::query(
        "INSERT INTO accounts (id, kind, name, email, cpr_hash, cpr_sealed, birth_date, created_at, \
         email_confirmed_at) VALUES ($1, 'citizen', $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(citizen.name.as_str())
    .bind(citizen.email.as_ref().map(|e| e.as_str().to_owned()))
    .bind(&citizen.cpr_hash)
    .bind(citizen.cpr_sealed.clone())
    .bind(citizen.birth_date.to_string())
    .bind(to_text(now))
    .bind((citizen.email_verified && citizen.email.is_some()).then(|| to_text(now)))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(e, "a citizen with this CPR number"))?;
    sqlx::query("INSERT INTO account_identities (issuer, subject, account_id, linked_at) VALUES ($1, $2, $3, $4)")
        .bind(issuer)
        .bind(subject)
        .bind(id.to_string())
        .bind(to_text(now))
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "this login identity"))?;
    Ok(id)
}

/// A staff member's e-mail (the label of their authenticator entry).
pub async fn find_staff_email(db: &Db, id: AccountId) -> StoreResult<String> {
    let row = sqlx::query("SELECT email FROM accounts WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await?;
    Ok(row
        .try_get::<Option<String>, _>("email")?
        .unwrap_or_default())
}

/// A staff member's department.
pub async fn find_staff_department(db: &Db, id: AccountId) -> StoreResult<Department> {
    let row = sqlx::query("SELECT department FROM accounts WHERE id = $1 AND kind = 'staff'")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await?;
    row.try_get::<String, _>("department")?
        .parse::<Department>()
        .map_err(corrupt)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StaffListing {
    pub id: String,
    pub name: String,
    pub email: String,
    pub department: Department,
    pub is_admin: bool,
    pub is_active: bool,
    pub may_create_cases: bool,
}

/// Staff of a municipality, optionally matching a name or e-mail fragment.
pub async fn list_staff(
    db: &Db,
    municipality: MunicipalityId,
    query: Option<&str>,
) -> StoreResult<Vec<StaffListing>> {
    let pattern = query.map(|q| format!("%{}%", q.to_lowercase().replace(['%', '_'], "")));
    let rows = sqlx::query(
        "SELECT id, name, email, department, is_admin, is_active, may_create_cases FROM accounts \
         WHERE kind = 'staff' AND municipality_id = $1 \
         AND ($2 IS NULL OR lower(name) LIKE $2 OR lower(email) LIKE $2) ORDER BY name LIMIT 100",
    )
    .bind(municipality.to_string())
    .bind(pattern)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StaffListing {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                email: row
                    .try_get::<Option<String>, _>("email")?
                    .unwrap_or_default(),
                department: row
                    .try_get::<String, _>("department")?
                    .parse::<Department>()
                    .map_err(corrupt)?,
                is_admin: row.try_get::<i64, _>("is_admin")? != 0,
                is_active: row.try_get::<i64, _>("is_active")? != 0,
                may_create_cases: row.try_get::<i64, _>("may_create_cases")? != 0,
            })
        })
        .collect()
}

pub async fn set_staff_flags(
    conn: &mut AnyConnection,
    id: AccountId,
    is_active: Option<bool>,
    is_admin: Option<bool>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE accounts SET is_active = COALESCE($2, is_active), is_admin = COALESCE($3, is_admin) \
         WHERE id = $1 AND kind = 'staff'",
    )
    .bind(id.to_string())
    .bind(is_active.map(i64::from))
    .bind(is_admin.map(i64::from))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

//! Staff credentials for the password + TOTP fallback: hashes, sealed TOTP secrets, recovery-code
//! hashes, and the failure counter the lock-out reads.

use super::columns::corrupt;
use super::time_text::{from_text, to_text};
use super::{Db, StoreResult};
use crate::domain::email::Email;
use crate::domain::ids::AccountId;
use sqlx::Row;
use time::OffsetDateTime;

#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub password_hash: Option<String>,
    pub totp_sealed: Option<Vec<u8>>,
    pub totp_pending_sealed: Option<Vec<u8>>,
    pub totp_last_step: Option<u64>,
    pub failed_attempts: u32,
    pub last_failed_at: Option<OffsetDateTime>,
}

/// The active staff accounts with this e-mail (one per municipality at most), with credentials.
pub async fn find_by_email(
    db: &Db,
    email: &Email,
) -> StoreResult<Vec<(AccountId, String, Credentials)>> {
    let rows = sqlx::query(
        "SELECT a.id, m.code, c.password_hash, c.totp_sealed, c.totp_pending_sealed, c.totp_last_step, \
                c.failed_attempts, c.last_failed_at \
         FROM accounts a JOIN municipalities m ON m.id = a.municipality_id \
         LEFT JOIN staff_credentials c ON c.account_id = a.id \
         WHERE a.kind = 'staff' AND a.is_active = 1 AND lower(a.email) = lower($1)",
    )
    .bind(email.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id = AccountId::parse(row.try_get("id")?).map_err(corrupt)?;
            Ok((id, row.try_get("code")?, credentials_from(row)?))
        })
        .collect()
}

pub async fn find(db: &Db, account: AccountId) -> StoreResult<Credentials> {
    let row = sqlx::query(
        "SELECT password_hash, totp_sealed, totp_pending_sealed, totp_last_step, failed_attempts, last_failed_at \
         FROM staff_credentials WHERE account_id = $1",
    )
    .bind(account.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref()
        .map(credentials_from)
        .transpose()
        .map(Option::unwrap_or_default)
}

fn credentials_from(row: &sqlx::any::AnyRow) -> StoreResult<Credentials> {
    Ok(Credentials {
        password_hash: row.try_get("password_hash")?,
        totp_sealed: row.try_get("totp_sealed")?,
        totp_pending_sealed: row.try_get("totp_pending_sealed")?,
        totp_last_step: row
            .try_get::<Option<i64>, _>("totp_last_step")?
            .map(|s| s.max(0) as u64),
        failed_attempts: row
            .try_get::<Option<i64>, _>("failed_attempts")?
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        last_failed_at: row
            .try_get::<Option<String>, _>("last_failed_at")?
            .map(|t| from_text(&t))
            .transpose()?,
    })
}

/// Sets a new password; TOTP enrolment and counters are kept.
pub async fn set_password(
    db: &Db,
    account: AccountId,
    hash: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO staff_credentials (account_id, password_hash, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET password_hash = excluded.password_hash, \
         failed_attempts = 0, last_failed_at = NULL, updated_at = excluded.updated_at",
    )
    .bind(account.to_string())
    .bind(hash)
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn record_failure(db: &Db, account: AccountId, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(
        "UPDATE staff_credentials SET failed_attempts = failed_attempts + 1, last_failed_at = $2 WHERE account_id = $1",
    )
    .bind(account.to_string())
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A successful login: the counter starts again, and the TOTP step is used up.
pub async fn record_success(
    db: &Db,
    account: AccountId,
    totp_step: Option<u64>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE staff_credentials SET failed_attempts = 0, last_failed_at = NULL, \
         totp_last_step = COALESCE($2, totp_last_step) WHERE account_id = $1",
    )
    .bind(account.to_string())
    .bind(totp_step.map(|s| i64::try_from(s).unwrap_or(i64::MAX)))
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn set_pending_totp(
    db: &Db,
    account: AccountId,
    sealed: &[u8],
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE staff_credentials SET totp_pending_sealed = $2, updated_at = $3 WHERE account_id = $1")
        .bind(account.to_string())
        .bind(sealed.to_vec())
        .bind(to_text(now))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Confirms enrolment: the pending secret becomes the secret, and new recovery codes replace any
/// old ones, in one transaction.
pub async fn confirm_totp(
    db: &Db,
    account: AccountId,
    step: u64,
    recovery_hashes: &[String],
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "UPDATE staff_credentials SET totp_sealed = totp_pending_sealed, totp_pending_sealed = NULL, \
         totp_last_step = $2, updated_at = $3 WHERE account_id = $1",
    )
    .bind(account.to_string())
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .bind(to_text(now))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account.to_string())
        .execute(&mut *tx)
        .await?;
    for hash in recovery_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(account.to_string())
        .bind(hash)
        .bind(to_text(now))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn recovery_hashes(db: &Db, account: AccountId) -> StoreResult<Vec<String>> {
    let rows = sqlx::query("SELECT code_hash FROM recovery_codes WHERE account_id = $1")
        .bind(account.to_string())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(r.try_get("code_hash")?)).collect()
}

/// Uses a recovery code up. False when it was used meanwhile (two logins racing).
pub async fn consume_recovery_code(db: &Db, account: AccountId, hash: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1 AND code_hash = $2")
        .bind(account.to_string())
        .bind(hash)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

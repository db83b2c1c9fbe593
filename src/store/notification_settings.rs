//! What delivery needs to know about a recipient (their confirmed address, their choice of
//! mode, the language of their mail, who they are to the policy), and the person's own
//! settings: the mode, and an address they typed that waits for its confirmation link.

use super::columns::{corrupt, word};
use super::time_text::to_text;
use super::{Db, StoreResult};
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::domain::notification_mode::NotificationMode;
use crate::store::accounts::AccountKind;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: AccountId,
    pub kind: AccountKind,
    pub municipality_id: Option<MunicipalityId>,
    pub is_admin: bool,
    pub is_active: bool,
    /// None when no address is known.
    pub email: Option<String>,
    /// Whether `email` was confirmed (its link, the identity provider, the municipality).
    pub email_confirmed: bool,
    /// An address typed and not yet confirmed: only its confirmation link goes there.
    pub pending_email: Option<String>,
    pub mode: NotificationMode,
    /// `da` or `en`; None is Danish.
    pub language: Option<String>,
}

pub async fn recipient(db: &Db, id: AccountId) -> StoreResult<Recipient> {
    let row = sqlx::query(
        "SELECT id, kind, municipality_id, is_admin, is_active, email, email_confirmed_at, \
         pending_email, notification_mode, notification_language FROM accounts WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_one(db.pool())
    .await?;
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "staff" => AccountKind::Staff,
        "citizen" => AccountKind::Citizen,
        other => return Err(corrupt(format!("account kind {other}"))),
    };
    let address = |column: &str| -> StoreResult<Option<String>> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .filter(|e| !e.trim().is_empty()))
    };
    Ok(Recipient {
        id: AccountId::parse(row.try_get("id")?).map_err(corrupt)?,
        kind,
        municipality_id: row
            .try_get::<Option<String>, _>("municipality_id")?
            .map(|m| MunicipalityId::parse(&m).map_err(corrupt))
            .transpose()?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
        email: address("email")?,
        email_confirmed: row
            .try_get::<Option<String>, _>("email_confirmed_at")?
            .is_some(),
        pending_email: address("pending_email")?,
        mode: word(&row, "notification_mode")?,
        language: row.try_get("notification_language")?,
    })
}

/// Sets the account's mode.
pub async fn set_mode(
    conn: &mut AnyConnection,
    id: AccountId,
    mode: NotificationMode,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET notification_mode = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(mode.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Keeps `address` as the one waiting for its confirmation link.
pub async fn set_pending_email(
    conn: &mut AnyConnection,
    id: AccountId,
    address: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET pending_email = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(address)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets the pending address (the person typed their confirmed one again).
pub async fn clear_pending_email(conn: &mut AnyConnection, id: AccountId) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET pending_email = NULL WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The pending address becomes the account's, confirmed now; false when `address` is no longer
/// the one pending (another was typed since, or it was confirmed already).
pub async fn confirm_pending_email(
    db: &Db,
    id: AccountId,
    address: &str,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE accounts SET email = pending_email, email_confirmed_at = $3, pending_email = NULL \
         WHERE id = $1 AND pending_email = $2",
    )
    .bind(id.to_string())
    .bind(address)
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

//! Sessions: found by the SHA-256 of the cookie's random id, never by the id itself.

use super::columns::{corrupt, word};
use super::time_text::{from_text, to_text};
use super::{Db, StoreResult};
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::ids::AccountId;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub account_id: AccountId,
    pub provider: String,
    pub assurance_level: AssuranceLevel,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
    /// The login's ID token, sealed (`SealPurpose::SessionIdToken`): the hint for logging out
    /// at the provider. None for password logins and providers without a logout endpoint.
    pub id_token_sealed: Option<Vec<u8>>,
    /// SHA-256 of the provider's session id (`sid`), which a back-channel logout token may name.
    pub provider_sid_hash: Option<String>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    id_hash: &str,
    session: &SessionRow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, provider, assurance_level, csrf_token, created_at, \
         last_seen_at, absolute_expires_at, id_token_sealed, provider_sid_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id_hash)
    .bind(session.account_id.to_string())
    .bind(&session.provider)
    .bind(session.assurance_level.as_str())
    .bind(&session.csrf_token)
    .bind(to_text(session.created_at))
    .bind(to_text(session.last_seen_at))
    .bind(to_text(session.absolute_expires_at))
    .bind(session.id_token_sealed.as_deref())
    .bind(session.provider_sid_hash.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(db: &Db, id_hash: &str) -> StoreResult<Option<SessionRow>> {
    let row = sqlx::query(
        "SELECT account_id, provider, assurance_level, csrf_token, created_at, last_seen_at, \
         absolute_expires_at, id_token_sealed, provider_sid_hash FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let level: AssuranceLevel = word(&row, "assurance_level")?;
    Ok(Some(SessionRow {
        account_id: AccountId::parse(row.try_get("account_id")?).map_err(corrupt)?,
        provider: row.try_get("provider")?,
        assurance_level: level,
        csrf_token: row.try_get("csrf_token")?,
        created_at: from_text(row.try_get("created_at")?)?,
        last_seen_at: from_text(row.try_get("last_seen_at")?)?,
        absolute_expires_at: from_text(row.try_get("absolute_expires_at")?)?,
        id_token_sealed: row.try_get("id_token_sealed")?,
        provider_sid_hash: row.try_get("provider_sid_hash")?,
    }))
}

pub async fn touch(db: &Db, id_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(to_text(now))
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, id_hash: &str) -> StoreResult<()> {
    delete_in(&mut *db.pool().acquire().await?, id_hash).await
}

/// `delete` inside the caller's transaction (a logout and its access-log row).
pub async fn delete_in(conn: &mut AnyConnection, id_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// "Log out everywhere": every session of the account ends.
pub async fn delete_for_account(db: &Db, account_id: AccountId) -> StoreResult<u64> {
    delete_for_account_in(&mut *db.pool().acquire().await?, account_id).await
}

/// `delete_for_account` inside the caller's transaction (an offboarding).
pub async fn delete_for_account_in(
    conn: &mut AnyConnection,
    account_id: AccountId,
) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Back-channel logout by session: deletes the sessions started from the provider session
/// `sid_hash` (of `only_account`, when the token also named a subject); returns whose they were.
pub async fn delete_for_provider_session(
    conn: &mut AnyConnection,
    provider: &str,
    sid_hash: &str,
    only_account: Option<AccountId>,
) -> StoreResult<Vec<AccountId>> {
    let rows = sqlx::query(
        "DELETE FROM sessions WHERE provider = $1 AND provider_sid_hash = $2 \
         AND (CAST($3 AS TEXT) IS NULL OR account_id = $3) RETURNING account_id",
    )
    .bind(provider)
    .bind(sid_hash)
    .bind(only_account.map(|a| a.to_string()))
    .fetch_all(conn)
    .await?;
    account_ids(&rows)
}

/// Back-channel logout by subject: deletes every session of the account opened at `provider`.
pub async fn delete_for_provider_account(
    conn: &mut AnyConnection,
    provider: &str,
    account_id: AccountId,
) -> StoreResult<Vec<AccountId>> {
    let rows = sqlx::query(
        "DELETE FROM sessions WHERE provider = $1 AND account_id = $2 RETURNING account_id",
    )
    .bind(provider)
    .bind(account_id.to_string())
    .fetch_all(conn)
    .await?;
    account_ids(&rows)
}

fn account_ids(rows: &[sqlx::any::AnyRow]) -> StoreResult<Vec<AccountId>> {
    rows.iter()
        .map(|row| AccountId::parse(row.try_get("account_id")?).map_err(corrupt))
        .collect()
}

pub async fn count_for_account(db: &Db, account_id: AccountId) -> StoreResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE account_id = $1")
        .bind(account_id.to_string())
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// Deletes sessions past their absolute lifetime or idle since before `idle_before`.
pub async fn delete_expired(
    db: &Db,
    now: OffsetDateTime,
    idle_before: OffsetDateTime,
) -> StoreResult<u64> {
    let done =
        sqlx::query("DELETE FROM sessions WHERE absolute_expires_at <= $1 OR last_seen_at <= $2")
            .bind(to_text(now))
            .bind(to_text(idle_before))
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected())
}

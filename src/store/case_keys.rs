//! Each case's key, sealed by a master key. Made on the case's first upload; the row is deleted
//! when the case is erased, which makes every blob of the case unreadable (crypto-shredding).

use super::columns::corrupt;
use super::time_text::to_text;
use super::{Db, StoreResult};
use crate::domain::ids::CaseId;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

/// The sealed case key, if the case has one.
pub async fn get(db: &Db, case: CaseId) -> StoreResult<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT wrapped_key FROM case_keys WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("wrapped_key")).transpose()?)
}

/// Stores `wrapped` unless the case already has a key, and returns the key that won, so two
/// instances making the first key of a case at once agree on one.
pub async fn get_or_insert(
    db: &Db,
    case: CaseId,
    wrapped: &[u8],
    now: OffsetDateTime,
) -> StoreResult<Vec<u8>> {
    sqlx::query(
        "INSERT INTO case_keys (case_id, wrapped_key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(case.to_string())
    .bind(wrapped.to_vec())
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    get(db, case).await?.ok_or(super::StoreError::NotFound)
}

/// Every sealed case key, for master-key rotation.
pub async fn all(db: &Db) -> StoreResult<Vec<(CaseId, Vec<u8>)>> {
    let rows = sqlx::query("SELECT case_id, wrapped_key FROM case_keys ORDER BY case_id")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let id = CaseId::parse(r.try_get("case_id")?).map_err(corrupt)?;
            Ok((id, r.try_get("wrapped_key")?))
        })
        .collect()
}

/// Replaces a sealed key with the same key sealed under another master key, only if it is still
/// the one read (a concurrent rotation wins otherwise, harmlessly).
pub async fn rewrap(
    db: &Db,
    case: CaseId,
    old: &[u8],
    new: &[u8],
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE case_keys SET wrapped_key = $3, rewrapped_at = $4 WHERE case_id = $1 AND wrapped_key = $2",
    )
    .bind(case.to_string())
    .bind(old.to_vec())
    .bind(new.to_vec())
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Crypto-shredding: the case key is deleted, the case marked erased and the erasure recorded,
/// in one transaction. The blobs are deleted afterwards; without the key they are noise already.
/// Destroys the case key and marks the case erased, inside the caller's transaction.
pub async fn erase(
    conn: &mut AnyConnection,
    case: CaseId,
    requested_by: &str,
    reason: Option<&str>,
    blob_count: i64,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM case_keys WHERE case_id = $1")
        .bind(case.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE cases SET status = 'erased' WHERE id = $1")
        .bind(case.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO case_erasures (case_id, erased_at, requested_by, reason, blob_count) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case.to_string())
    .bind(to_text(now))
    .bind(requested_by)
    .bind(reason)
    .bind(blob_count)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

//! The scrub's rows: the versions to check, in id order after a cursor, and the one shared
//! progress row (migration 0020) whose lease lets one instance at a time move the cursor on.

use super::columns::corrupt;
use super::time_text::{from_text, to_text};
use super::{Db, StoreResult};
use crate::domain::ids::{CaseId, DocumentId, MunicipalityId, VersionId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// What checking one version needs: where its blob is, its sealed data key, what it must add
/// up to, and whose case it is (for the access log).
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub id: VersionId,
    pub document_id: DocumentId,
    pub version: i64,
    pub size: i64,
    pub sha256: String,
    pub wrapped_data_key: Vec<u8>,
    pub blob_key: String,
    pub case_id: CaseId,
    pub municipality_id: MunicipalityId,
}

/// Up to `limit` versions with ids after `after` (all of them from the start when None), of one
/// case or of all, in id order. Soft-deleted documents' versions are kept, so they are checked.
pub async fn versions_after(
    db: &Db,
    after: Option<VersionId>,
    case: Option<CaseId>,
    limit: i64,
) -> StoreResult<Vec<StoredVersion>> {
    let rows = sqlx::query(
        "SELECT v.id, v.document_id, v.version, v.size, v.sha256, v.wrapped_data_key, \
         v.blob_key, d.case_id, c.municipality_id \
         FROM document_versions v JOIN documents d ON d.id = v.document_id \
         JOIN cases c ON c.id = d.case_id \
         WHERE v.id > $1 AND ($2 = '' OR d.case_id = $2) ORDER BY v.id LIMIT $3",
    )
    .bind(after.map(|id| id.to_string()).unwrap_or_default())
    .bind(case.map(|id| id.to_string()).unwrap_or_default())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(stored_version).collect()
}

fn stored_version(row: &AnyRow) -> StoreResult<StoredVersion> {
    Ok(StoredVersion {
        id: VersionId::parse(row.try_get("id")?).map_err(corrupt)?,
        document_id: DocumentId::parse(row.try_get("document_id")?).map_err(corrupt)?,
        version: row.try_get("version")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        wrapped_data_key: row.try_get("wrapped_data_key")?,
        blob_key: row.try_get("blob_key")?,
        case_id: CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?,
        municipality_id: MunicipalityId::parse(row.try_get("municipality_id")?).map_err(corrupt)?,
    })
}

/// Where the walk stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The last version checked in the pass under way; None between passes.
    pub cursor: Option<VersionId>,
    pub pass_started_at: Option<OffsetDateTime>,
    pub last_pass_finished_at: Option<OffsetDateTime>,
    /// Of the pass under way (or, between passes, of the last one).
    pub versions_checked: i64,
    pub mismatches: i64,
}

pub async fn progress(db: &Db) -> StoreResult<Progress> {
    let row = sqlx::query(
        "SELECT cursor, pass_started_at, last_pass_finished_at, versions_checked, mismatches \
         FROM scrub_progress WHERE id = 1",
    )
    .fetch_one(db.pool())
    .await?;
    let time = |column: &str| -> StoreResult<Option<OffsetDateTime>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|t| from_text(&t).map_err(corrupt))
            .transpose()
    };
    Ok(Progress {
        cursor: row
            .try_get::<Option<String>, _>("cursor")?
            .map(|id| VersionId::parse(&id).map_err(corrupt))
            .transpose()?,
        pass_started_at: time("pass_started_at")?,
        last_pass_finished_at: time("last_pass_finished_at")?,
        versions_checked: row.try_get("versions_checked")?,
        mismatches: row.try_get("mismatches")?,
    })
}

/// Takes (or renews) the lease for `owner` until `until`, unless another owner's lease is still
/// running at `now`. Whether `owner` holds it now.
pub async fn take_lease(
    db: &Db,
    owner: &str,
    now: OffsetDateTime,
    until: OffsetDateTime,
) -> StoreResult<bool> {
    let taken = sqlx::query(
        "UPDATE scrub_progress SET lease_owner = $1, lease_until = $2 \
         WHERE id = 1 AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < $3)",
    )
    .bind(owner)
    .bind(to_text(until))
    .bind(to_text(now))
    .execute(db.pool())
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Moves the cursor on past `last` (a pass starts at `now` if none is under way), while `owner`
/// holds the lease. Whether it did.
pub async fn advance(
    db: &Db,
    owner: &str,
    last: VersionId,
    checked: i64,
    mismatches: i64,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let moved = sqlx::query(
        "UPDATE scrub_progress SET cursor = $1, \
         versions_checked = CASE WHEN pass_started_at IS NULL THEN 0 ELSE versions_checked END + $2, \
         mismatches = CASE WHEN pass_started_at IS NULL THEN 0 ELSE mismatches END + $3, \
         pass_started_at = COALESCE(pass_started_at, $4) \
         WHERE id = 1 AND lease_owner = $5",
    )
    .bind(last.to_string())
    .bind(checked)
    .bind(mismatches)
    .bind(to_text(now))
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Ends the pass under way at `now` (counts kept until the next starts) and lets the lease go.
pub async fn finish_pass(db: &Db, owner: &str, now: OffsetDateTime) -> StoreResult<bool> {
    let finished = sqlx::query(
        "UPDATE scrub_progress SET cursor = NULL, pass_started_at = NULL, \
         last_pass_finished_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE id = 1 AND lease_owner = $2",
    )
    .bind(to_text(now))
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(finished.rows_affected() == 1)
}

/// Lets the lease go (an instance stopping), keeping the cursor for whoever comes next.
pub async fn release(db: &Db, owner: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE scrub_progress SET lease_owner = NULL, lease_until = NULL \
         WHERE id = 1 AND lease_owner = $1",
    )
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

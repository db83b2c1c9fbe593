//! Documents and their versions. A version row, its document's current version number and the
//! end of its pending blob are written in one transaction, so a document and its blob appear
//! together or not at all.
//!
//! Titles, file names and notes arrive and leave sealed with the case key (`StoredText`); this
//! layer never sees them in clear, except in rows from before migration 0011 that the start-up
//! step has not sealed yet.

use super::columns::corrupt;
use super::time_text::{from_text, to_text};
use super::{Db, StoreError, StoreResult};
use crate::domain::ids::{AccountId, CaseId, DocumentId, VersionId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

/// A title, file name or note as a row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredText {
    /// Sealed with the case key (`documents::sealing` opens it).
    Sealed(Vec<u8>),
    /// Written before migration 0011 and not sealed yet.
    Clear(String),
}

pub(crate) fn stored_text(sealed: Option<Vec<u8>>, clear: Option<String>) -> Option<StoredText> {
    match (sealed, clear) {
        (Some(sealed), _) => Some(StoredText::Sealed(sealed)),
        (None, Some(clear)) => Some(StoredText::Clear(clear)),
        (None, None) => None,
    }
}

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: DocumentId,
    pub case_id: CaseId,
    pub title: StoredText,
    pub kind: String,
    pub current_version: i64,
    pub updated_at: OffsetDateTime,
    pub updated_by_name: String,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub id: VersionId,
    pub document_id: DocumentId,
    pub version: i64,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub file_name: StoredText,
    pub note: Option<StoredText>,
    pub uploaded_by_name: String,
    pub uploaded_at: OffsetDateTime,
    pub wrapped_data_key: Vec<u8>,
    pub blob_key: String,
}

/// A version whose blob is written and sealed, ready to become visible.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub id: VersionId,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    /// Sealed with the case key for `SealPurpose::VersionFileName(id)`.
    pub file_name: Vec<u8>,
    /// Sealed for `SealPurpose::VersionNote(id)`.
    pub note: Option<Vec<u8>>,
    pub uploaded_by: AccountId,
    pub wrapped_data_key: Vec<u8>,
    pub blob_key: String,
}

const DOCUMENT_COLUMNS: &str = "d.id, d.case_id, d.title, d.title_sealed, d.kind, d.current_version, d.updated_at, \
     a.name AS updated_by_name, d.deleted_at";

fn document(row: &AnyRow) -> StoreResult<DocumentRow> {
    Ok(DocumentRow {
        id: DocumentId::parse(row.try_get("id")?).map_err(corrupt)?,
        case_id: CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?,
        title: stored_text(row.try_get("title_sealed")?, row.try_get("title")?)
            .ok_or_else(|| corrupt("a document without a title"))?,
        kind: row.try_get("kind")?,
        current_version: row.try_get("current_version")?,
        updated_at: from_text(row.try_get("updated_at")?).map_err(corrupt)?,
        updated_by_name: row.try_get("updated_by_name")?,
        deleted: row.try_get::<Option<String>, _>("deleted_at")?.is_some(),
    })
}

const VERSION_COLUMNS: &str = "v.id, v.document_id, v.version, v.size, v.sha256, v.content_type, \
     v.file_name, v.file_name_sealed, v.note, v.note_sealed, a.name AS uploaded_by_name, v.uploaded_at, v.wrapped_data_key, v.blob_key";

fn version(row: &AnyRow) -> StoreResult<VersionRow> {
    Ok(VersionRow {
        id: VersionId::parse(row.try_get("id")?).map_err(corrupt)?,
        document_id: DocumentId::parse(row.try_get("document_id")?).map_err(corrupt)?,
        version: row.try_get("version")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        content_type: row.try_get("content_type")?,
        file_name: stored_text(row.try_get("file_name_sealed")?, row.try_get("file_name")?)
            .ok_or_else(|| corrupt("a version without a file name"))?,
        note: stored_text(row.try_get("note_sealed")?, row.try_get("note")?),
        uploaded_by_name: row.try_get("uploaded_by_name")?,
        uploaded_at: from_text(row.try_get("uploaded_at")?).map_err(corrupt)?,
        wrapped_data_key: row.try_get("wrapped_data_key")?,
        blob_key: row.try_get("blob_key")?,
    })
}

/// Notes a blob about to be written, so the sweeper can find it if no version ever claims it.
pub async fn add_pending_blob(db: &Db, blob_key: &str, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("INSERT INTO pending_blobs (blob_key, started_at) VALUES ($1, $2)")
        .bind(blob_key)
        .bind(to_text(now))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Pending blobs started before `before`: abandoned uploads.
pub async fn stale_pending_blobs(db: &Db, before: OffsetDateTime) -> StoreResult<Vec<String>> {
    let rows = sqlx::query("SELECT blob_key FROM pending_blobs WHERE started_at < $1")
        .bind(to_text(before))
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("blob_key"))
        .collect::<Result<_, _>>()?)
}

pub async fn remove_pending_blob(db: &Db, blob_key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM pending_blobs WHERE blob_key = $1")
        .bind(blob_key)
        .execute(db.pool())
        .await?;
    Ok(())
}

async fn insert_version(
    conn: &mut AnyConnection,
    document: DocumentId,
    number: i64,
    new: &NewVersion,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO document_versions (id, document_id, version, size, sha256, content_type, file_name, \
         file_name_sealed, note_sealed, uploaded_by, uploaded_at, wrapped_data_key, blob_key) \
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11, $12)",
    )
    .bind(new.id.to_string())
    .bind(document.to_string())
    .bind(number)
    .bind(new.size)
    .bind(new.sha256.clone())
    .bind(new.content_type.clone())
    .bind(new.file_name.clone())
    .bind(new.note.clone())
    .bind(new.uploaded_by.to_string())
    .bind(now.to_owned())
    .bind(new.wrapped_data_key.clone())
    .bind(new.blob_key.clone())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM pending_blobs WHERE blob_key = $1")
        .bind(new.blob_key.clone())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new document with its first version; `title` is sealed for `DocumentTitle(id)`.
pub async fn create(
    conn: &mut AnyConnection,
    id: DocumentId,
    case: CaseId,
    title: &[u8],
    kind: &str,
    first: &NewVersion,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let now = to_text(now);
    sqlx::query(
        "INSERT INTO documents (id, case_id, title, title_sealed, kind, current_version, created_at, created_by, updated_at, updated_by) \
         VALUES ($1, $2, '', $3, $4, 1, $5, $6, $5, $6)",
    )
    .bind(id.to_string())
    .bind(case.to_string())
    .bind(title.to_vec())
    .bind(kind)
    .bind(now.clone())
    .bind(first.uploaded_by.to_string())
    .execute(&mut *conn)
    .await?;
    insert_version(conn, id, 1, first, &now).await?;
    Ok(())
}

/// Adds version `based_on + 1`, only if `based_on` is still the newest (someone else's upload
/// in between answers `Conflict`, so nothing is overwritten unseen).
pub async fn add_version(
    conn: &mut AnyConnection,
    document: DocumentId,
    based_on: i64,
    new: &NewVersion,
    now: OffsetDateTime,
) -> StoreResult<i64> {
    let now = to_text(now);
    let moved = sqlx::query(
        "UPDATE documents SET current_version = current_version + 1, updated_at = $3, updated_by = $4 \
         WHERE id = $1 AND current_version = $2 AND deleted_at IS NULL",
    )
    .bind(document.to_string())
    .bind(based_on)
    .bind(now.clone())
    .bind(new.uploaded_by.to_string())
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(StoreError::Conflict("version"));
    }
    insert_version(conn, document, based_on + 1, new, &now).await?;
    Ok(based_on + 1)
}

pub async fn find(db: &Db, id: DocumentId) -> StoreResult<DocumentRow> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN accounts a ON a.id = d.updated_by WHERE d.id = $1"
    )))
    .bind(id.to_string())
    .fetch_one(db.pool())
    .await?;
    document(&row)
}

/// The case's documents that are not deleted, most recently changed first (by title among
/// equals, which only the caller can read: `documents::reading::list` orders those).
pub async fn for_case(db: &Db, case: CaseId) -> StoreResult<Vec<DocumentRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN accounts a ON a.id = d.updated_by \
         WHERE d.case_id = $1 AND d.deleted_at IS NULL ORDER BY d.updated_at DESC, d.id"
    )))
    .bind(case.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(document).collect()
}

/// Every version of a document, newest first.
pub async fn versions(db: &Db, document: DocumentId) -> StoreResult<Vec<VersionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM document_versions v JOIN accounts a ON a.id = v.uploaded_by \
         WHERE v.document_id = $1 ORDER BY v.version DESC"
    )))
    .bind(document.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(version).collect()
}

/// The versions in the case's documents (deleted ones left out) whose file hashes to `sha256`,
/// as (document, version): the same file uploaded twice.
pub async fn versions_with_hash(
    db: &Db,
    case: CaseId,
    sha256: &str,
) -> StoreResult<Vec<(DocumentId, i64)>> {
    let rows = sqlx::query(
        "SELECT v.document_id, v.version FROM document_versions v JOIN documents d ON d.id = v.document_id \
         WHERE d.case_id = $1 AND d.deleted_at IS NULL AND v.sha256 = $2 ORDER BY v.uploaded_at, v.version",
    )
    .bind(case.to_string())
    .bind(sha256.to_owned())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id = DocumentId::parse(row.try_get("document_id")?).map_err(corrupt)?;
            Ok((id, row.try_get("version")?))
        })
        .collect()
}

pub async fn version_of(db: &Db, document: DocumentId, number: i64) -> StoreResult<VersionRow> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM document_versions v JOIN accounts a ON a.id = v.uploaded_by \
         WHERE v.document_id = $1 AND v.version = $2"
    )))
    .bind(document.to_string())
    .bind(number)
    .fetch_one(db.pool())
    .await?;
    version(&row)
}

pub async fn rename(
    conn: &mut AnyConnection,
    id: DocumentId,
    title: &[u8],
    by: AccountId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE documents SET title = '', title_sealed = $2, updated_at = $3, updated_by = $4 WHERE id = $1 AND deleted_at IS NULL")
        .bind(id.to_string())
        .bind(title.to_vec())
        .bind(to_text(now))
        .bind(by.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The coordinator's soft delete: hidden from the case, every version kept.
pub async fn soft_delete(
    conn: &mut AnyConnection,
    id: DocumentId,
    by: AccountId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE documents SET deleted_at = $2, deleted_by = $3 WHERE id = $1 AND deleted_at IS NULL")
        .bind(id.to_string())
        .bind(to_text(now))
        .bind(by.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every blob of a case, deleted documents included (for erasure).
pub async fn blob_keys_of_case(db: &Db, case: CaseId) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT v.blob_key FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.case_id = $1",
    )
    .bind(case.to_string())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("blob_key"))
        .collect::<Result<_, _>>()?)
}

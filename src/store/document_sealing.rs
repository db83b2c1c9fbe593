//! The rows written before migration 0011, whose titles, file names and notes are still in
//! clear, and their sealing (`documents::sealing::seal_existing`, run at every start-up). Each
//! update takes one row from clear to sealed (or, for an erased case, to blank) at once.

use super::columns::corrupt;
use super::{Db, StoreResult};
use crate::domain::ids::{CaseId, DocumentId, VersionId};
use sqlx::Row;

/// A document whose title is in clear.
pub struct ClearTitle {
    pub id: DocumentId,
    pub case_id: CaseId,
    pub title: String,
}

/// A version whose file name or note is in clear.
pub struct ClearVersion {
    pub id: VersionId,
    pub case_id: CaseId,
    pub file_name: String,
    pub note: Option<String>,
}

pub async fn clear_titles(db: &Db) -> StoreResult<Vec<ClearTitle>> {
    let rows = sqlx::query(
        "SELECT id, case_id, title FROM documents WHERE title_sealed IS NULL AND title <> ''",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ClearTitle {
                id: DocumentId::parse(row.try_get("id")?).map_err(corrupt)?,
                case_id: CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?,
                title: row.try_get("title")?,
            })
        })
        .collect()
}

pub async fn clear_versions(db: &Db) -> StoreResult<Vec<ClearVersion>> {
    let rows = sqlx::query(
        "SELECT v.id, d.case_id, v.file_name, v.note FROM document_versions v \
         JOIN documents d ON d.id = v.document_id \
         WHERE v.file_name_sealed IS NULL AND (v.file_name <> '' OR v.note IS NOT NULL)",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ClearVersion {
                id: VersionId::parse(row.try_get("id")?).map_err(corrupt)?,
                case_id: CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?,
                file_name: row.try_get("file_name")?,
                note: row.try_get("note")?,
            })
        })
        .collect()
}

/// Replaces a clear title by its sealed form (None: the case is erased, the title goes).
pub async fn seal_title(db: &Db, id: DocumentId, sealed: Option<Vec<u8>>) -> StoreResult<()> {
    sqlx::query(
        "UPDATE documents SET title = '', title_sealed = $2 WHERE id = $1 AND title_sealed IS NULL",
    )
    .bind(id.to_string())
    .bind(sealed)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Replaces a version's clear file name and note by their sealed forms (None for an erased case).
pub async fn seal_version(
    db: &Db,
    id: VersionId,
    file_name: Option<Vec<u8>>,
    note: Option<Vec<u8>>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE document_versions SET file_name = '', note = NULL, file_name_sealed = $2, \
         note_sealed = $3 WHERE id = $1 AND file_name_sealed IS NULL",
    )
    .bind(id.to_string())
    .bind(file_name)
    .bind(note)
    .execute(db.pool())
    .await?;
    Ok(())
}

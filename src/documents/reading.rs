//! What the document handlers call to read: the case's list, one document with its versions,
//! and a version's bytes. Each asks the policy first (through `service::document_for` or the
//! case services) and commits its access-log row before anything is returned.

use super::case_key;
use super::download::{self, DownloadError, Expected};
use super::sealing;
use super::service::{document_for, not_found};
use super::{DocumentError, DocumentResult};
use crate::app::App;
use crate::audit;
use crate::cases::authorize;
use crate::crypto::keys::CaseKey;
use crate::domain::audit_action::AuditAction;
use crate::domain::file_type::FileType;
use crate::domain::ids::{CaseId, DocumentId};
use crate::policy::{Action, Actor};
use crate::store::StoreError;
use crate::store::documents::{self as store, DocumentRow, VersionRow};
use crate::store::time_text::to_text;
use bytes::Bytes;
use futures_util::Stream;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentListItem {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: DocumentListItem,
    #[schema(value_type = String, format = Uuid)]
    pub case_id: CaseId,
    pub versions: Vec<VersionView>,
}

fn list_item(row: &DocumentRow, key: &CaseKey) -> DocumentResult<DocumentListItem> {
    Ok(DocumentListItem {
        id: row.id.to_string(),
        title: sealing::title(key, row.id, &row.title)?,
        kind: row.kind.clone(),
        version: row.current_version,
        updated_at: to_text(row.updated_at),
        updated_by: row.updated_by_name.clone(),
    })
}

/// The name a version is offered under: opened, and ending in its sniffed type's extension
/// (names stored before that rule get it here).
fn offered_name(row: &VersionRow, key: &CaseKey) -> DocumentResult<String> {
    let name = sealing::file_name(key, row.id, &row.file_name)?;
    Ok(match row.content_type.parse::<FileType>() {
        Ok(file_type) => super::file_name::with_extension(&name, file_type),
        Err(_) => name,
    })
}

fn version_view(row: &VersionRow, key: &CaseKey) -> DocumentResult<VersionView> {
    Ok(VersionView {
        version: row.version,
        size: row.size,
        sha256: row.sha256.clone(),
        content_type: row.content_type.clone(),
        file_name: offered_name(row, key)?,
        uploaded_by: row.uploaded_by_name.clone(),
        uploaded_at: to_text(row.uploaded_at),
        note: sealing::note(key, row.id, row.note.as_ref())?,
    })
}

pub async fn list(
    state: &App,
    actor: &Actor,
    case: CaseId,
) -> DocumentResult<Vec<DocumentListItem>> {
    let loaded = authorize(state, actor, Action::ReadDocuments, case).await?;
    let event = crate::cases::event(state, actor, AuditAction::ListDocuments, &loaded);
    audit::record_read(state, &event).await?;
    let rows = store::for_case(&state.db, case).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = match case_key::for_download(state, case).await {
        Ok(key) => key,
        // An erased case: its key, and with it every title, is gone; nothing can be listed.
        Err(DocumentError::Store(StoreError::NotFound)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut listed = rows
        .iter()
        .map(|row| Ok((row.updated_at, list_item(row, &key)?)))
        .collect::<DocumentResult<Vec<_>>>()?;
    // Most recently changed first, then by title (the store cannot order sealed titles).
    listed.sort_by(|(a_at, a), (b_at, b)| b_at.cmp(a_at).then_with(|| a.title.cmp(&b.title)));
    Ok(listed.into_iter().map(|(_, item)| item).collect())
}

pub async fn show(state: &App, actor: &Actor, id: DocumentId) -> DocumentResult<DocumentDetail> {
    let (row, case) = document_for(state, actor, id, Action::ReadDocuments).await?;
    let event = crate::cases::event(state, actor, AuditAction::ViewDocument, &case);
    audit::record_read(state, &event.document(id, None)).await?;
    let versions = store::versions(&state.db, id).await?;
    let key = case_key::for_download(state, row.case_id).await?;
    Ok(DocumentDetail {
        document: list_item(&row, &key)?,
        case_id: row.case_id,
        versions: versions
            .iter()
            .map(|version| version_view(version, &key))
            .collect::<DocumentResult<_>>()?,
    })
}

/// What a download's headers need of a version.
#[derive(Debug)]
pub struct OpenedVersion {
    pub version: i64,
    pub size: i64,
    pub content_type: String,
    /// Opened, with the sniffed type's extension.
    pub file_name: String,
}

/// A version's metadata and its decrypted bytes (the newest when `number` is None).
pub async fn open(
    state: &App,
    actor: &Actor,
    id: DocumentId,
    number: Option<i64>,
) -> DocumentResult<(
    OpenedVersion,
    impl Stream<Item = Result<Bytes, DownloadError>> + use<>,
)> {
    let (row, case) = document_for(state, actor, id, Action::ReadDocuments).await?;
    let version =
        match store::version_of(&state.db, id, number.unwrap_or(row.current_version)).await {
            Ok(version) => version,
            Err(StoreError::NotFound) => return Err(not_found()),
            Err(e) => return Err(e.into()),
        };
    let case_key = case_key::for_download(state, row.case_id).await?;
    let data_key = case_key.unwrap_data_key(version.id.uuid(), &version.wrapped_data_key)?;
    let file_name = offered_name(&version, &case_key)?;
    let blob_key = crate::blobs::BlobKey::new(version.blob_key.clone())?;
    let reader = state.blobs.reader(&blob_key).await?;
    // Committed before the first byte goes out: no row, no download.
    let event = crate::cases::event(state, actor, AuditAction::DownloadDocument, &case);
    audit::record_read(state, &event.document(id, Some(version.version))).await?;
    let expected = Expected {
        version_id: version.id,
        size: u64::try_from(version.size).unwrap_or_default(),
    };
    let opened = OpenedVersion {
        version: version.version,
        size: version.size,
        content_type: version.content_type,
        file_name,
    };
    Ok((opened, download::plaintext(reader, &data_key, expected)))
}

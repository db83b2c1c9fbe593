//! What the document handlers call. Each asks the policy first, through the case services,
//! before it reads or changes anything; an upload is refused before its body is read.

use super::case_key;
use super::download::{self, DownloadError, Expected};
use super::sealing;
use super::upload::{self, StoredFile};
use super::{DocumentError, DocumentResult, check_kind, check_note, check_title};
use crate::app::App;
use crate::audit;
use crate::cases::{CaseError, LoadedCase, authorize};
use crate::crypto::keys::CaseKey;
use crate::domain::audit_action::AuditAction;
use crate::domain::file_type::FileType;
use crate::domain::ids::{CaseId, DocumentId};
use crate::domain::notice_event::NoticeEvent;
use crate::notify::enqueue;
use crate::policy::{Action, Actor, Reason};
use crate::store::StoreError;
use crate::store::documents::{self as store, DocumentRow, NewVersion, VersionRow};
use crate::store::time_text::to_text;
use bytes::Bytes;
use futures_util::Stream;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedVersion {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub version: i64,
    pub size: u64,
    pub sha256: String,
    pub content_type: String,
}

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
    #[schema(value_type = String)]
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

fn not_found() -> DocumentError {
    DocumentError::Case(CaseError::Denied(Reason::NotFound))
}

/// The document, if it exists and is not deleted, and the policy allows `action` on its case.
/// Anyone the case is hidden from learns nothing about the document either.
async fn document_for(
    state: &App,
    actor: &Actor,
    id: DocumentId,
    action: Action,
) -> DocumentResult<(DocumentRow, LoadedCase)> {
    let row = match store::find(&state.db, id).await {
        Ok(row) if !row.deleted => row,
        Ok(_) | Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let case = authorize(state, actor, action, row.case_id).await?;
    Ok((row, case))
}

/// Permission to upload a new document to the case, asked before the body is read.
pub async fn begin_document(state: &App, actor: &Actor, case: CaseId) -> DocumentResult<CaseKey> {
    authorize(state, actor, Action::WriteDocuments, case).await?;
    case_key::for_upload(state, case).await
}

/// The text that came with an uploaded file.
pub struct UploadFields<'a> {
    pub title: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub note: Option<&'a str>,
    /// As the browser sent it; sanitised before it is stored.
    pub file_name: &'a str,
}

/// Makes an uploaded file visible as version 1 of a new document.
pub async fn finish_document(
    state: &App,
    actor: &Actor,
    (case, case_key): (CaseId, &CaseKey),
    fields: UploadFields<'_>,
    file: StoredFile,
) -> DocumentResult<CreatedVersion> {
    let checked = (|| {
        Ok::<_, DocumentError>((
            check_title(fields.title.unwrap_or_default())?,
            check_kind(fields.kind.unwrap_or_default())?,
            check_note(fields.note)?,
        ))
    })();
    let (title, kind, note) = match checked {
        Ok(fields) => fields,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e);
        }
    };
    // The policy again at the moment of commit: consent may have been withdrawn meanwhile.
    let loaded = match authorize(state, actor, Action::WriteDocuments, case).await {
        Ok(loaded) => loaded,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e.into());
        }
    };
    let id = DocumentId::new();
    let sealed = (|| {
        Ok::<_, DocumentError>((
            sealing::seal_title(case_key, id, &title)?,
            new_version(actor, case_key, fields.file_name, note.as_deref(), &file)?,
        ))
    })();
    let (sealed_title, new) = match sealed {
        Ok(sealed) => sealed,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e);
        }
    };
    let stored = async {
        let mut tx = state.db.begin().await?;
        let now = state.clock.now();
        store::create(&mut tx, id, case, &sealed_title, kind.as_str(), &new, now).await?;
        // Everyone who may read it now hears of it, in the same transaction.
        let event = NoticeEvent::DocumentAdded;
        enqueue::document_changed(state, &mut tx, case, &loaded.facts, event, actor.account)
            .await?;
        let event = crate::cases::event(state, actor, AuditAction::UploadDocument, &loaded);
        audit::record(&mut tx, &event.document(id, Some(1))).await?;
        tx.commit().await
    };
    if let Err(e) = stored.await {
        upload::discard(state, &file).await;
        return Err(e.into());
    }
    tracing::info!(case = %case, document = %id, size = file.size, "document uploaded");
    Ok(CreatedVersion {
        id: id.to_string(),
        title,
        kind: kind.as_str().to_owned(),
        version: 1,
        size: file.size,
        sha256: file.sha256,
        content_type: file.content_type.media_type().to_owned(),
    })
}

/// The version row for `file`, its file name and note sealed with the case key.
fn new_version(
    actor: &Actor,
    case_key: &CaseKey,
    file_name: &str,
    note: Option<&str>,
    file: &StoredFile,
) -> DocumentResult<NewVersion> {
    let name = super::file_name::sanitise(file_name, file.content_type);
    Ok(NewVersion {
        id: file.version_id,
        size: i64::try_from(file.size).unwrap_or(i64::MAX),
        sha256: file.sha256.clone(),
        content_type: file.content_type.media_type().to_owned(),
        file_name: sealing::seal_file_name(case_key, file.version_id, &name)?,
        note: sealing::seal_note(case_key, file.version_id, note)?,
        uploaded_by: actor.account,
        wrapped_data_key: file.wrapped_data_key.clone(),
        blob_key: file.blob_key.as_str().to_owned(),
    })
}

/// Permission to upload a new version based on `based_on`, asked before the body is read;
/// a stale base is refused at once (and again, atomically, at commit).
pub async fn begin_version(
    state: &App,
    actor: &Actor,
    document: DocumentId,
    based_on: i64,
) -> DocumentResult<(DocumentRow, CaseKey)> {
    let (row, _) = document_for(state, actor, document, Action::WriteDocuments).await?;
    if row.current_version != based_on {
        return Err(DocumentError::Stale {
            current: row.current_version,
        });
    }
    let key = case_key::for_upload(state, row.case_id).await?;
    Ok((row, key))
}

pub async fn finish_version(
    state: &App,
    actor: &Actor,
    (document, case_key): (&DocumentRow, &CaseKey),
    based_on: i64,
    note: Option<&str>,
    file_name: &str,
    file: StoredFile,
) -> DocumentResult<CreatedVersion> {
    let note = match check_note(note) {
        Ok(note) => note,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e);
        }
    };
    let case = document.case_id;
    let loaded = match authorize(state, actor, Action::WriteDocuments, case).await {
        Ok(loaded) => loaded,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e.into());
        }
    };
    let sealed = (|| {
        Ok::<_, DocumentError>((
            new_version(actor, case_key, file_name, note.as_deref(), &file)?,
            sealing::title(case_key, document.id, &document.title)?,
        ))
    })();
    let (new, title) = match sealed {
        Ok(sealed) => sealed,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(e);
        }
    };
    let stored = async {
        let mut tx = state.db.begin().await?;
        let now = state.clock.now();
        let number = store::add_version(&mut tx, document.id, based_on, &new, now).await?;
        let event = NoticeEvent::DocumentVersion;
        enqueue::document_changed(state, &mut tx, case, &loaded.facts, event, actor.account)
            .await?;
        let event = crate::cases::event(state, actor, AuditAction::NewVersion, &loaded);
        audit::record(&mut tx, &event.document(document.id, Some(number))).await?;
        tx.commit().await?;
        Ok::<_, StoreError>(number)
    };
    let number = match stored.await {
        Ok(number) => number,
        Err(e) => {
            upload::discard(state, &file).await;
            return Err(match e {
                StoreError::Conflict(_) => {
                    let current = store::find(&state.db, document.id).await?.current_version;
                    DocumentError::Stale { current }
                }
                other => other.into(),
            });
        }
    };
    tracing::info!(document = %document.id, version = number, "new version uploaded");
    Ok(CreatedVersion {
        id: document.id.to_string(),
        title,
        kind: document.kind.clone(),
        version: number,
        size: file.size,
        sha256: file.sha256,
        content_type: file.content_type.media_type().to_owned(),
    })
}

pub async fn list(
    state: &App,
    actor: &Actor,
    case: CaseId,
) -> DocumentResult<Vec<DocumentListItem>> {
    let loaded = authorize(state, actor, Action::ReadDocuments, case).await?;
    let event = crate::cases::event(state, actor, AuditAction::ListDocuments, &loaded);
    audit::record_alone(&state.db, &event).await?;
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
    audit::record_alone(&state.db, &event.document(id, None)).await?;
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
    audit::record_alone(&state.db, &event.document(id, Some(version.version))).await?;
    let expected = Expected {
        version_id: version.id,
        size: u64::try_from(version.size).unwrap_or_default(),
        sha256: version.sha256.clone(),
    };
    let opened = OpenedVersion {
        version: version.version,
        size: version.size,
        content_type: version.content_type,
        file_name,
    };
    Ok((opened, download::plaintext(reader, &data_key, expected)))
}

/// The case of a document the actor may act on with `action` (no access-log row of its own).
pub async fn case_of(
    state: &App,
    actor: &Actor,
    id: DocumentId,
    action: Action,
) -> DocumentResult<CaseId> {
    Ok(document_for(state, actor, id, action).await?.0.case_id)
}

pub async fn rename(state: &App, actor: &Actor, id: DocumentId, title: &str) -> DocumentResult<()> {
    let (row, case) = document_for(state, actor, id, Action::WriteDocuments).await?;
    let title = check_title(title)?;
    let key = case_key::for_download(state, row.case_id).await?;
    let sealed = sealing::seal_title(&key, row.id, &title)?;
    let mut tx = state.db.begin().await?;
    store::rename(&mut tx, row.id, &sealed, actor.account, state.clock.now()).await?;
    let event = crate::cases::event(state, actor, AuditAction::RenameDocument, &case);
    audit::record(&mut tx, &event.document(id, None)).await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator's soft delete: gone from the case, every version kept for the audit trail.
pub async fn delete(state: &App, actor: &Actor, id: DocumentId) -> DocumentResult<()> {
    let (row, case) = document_for(state, actor, id, Action::DeleteDocument).await?;
    let mut tx = state.db.begin().await?;
    store::soft_delete(&mut tx, row.id, actor.account, state.clock.now()).await?;
    let event = crate::cases::event(state, actor, AuditAction::DeleteDocument, &case);
    audit::record(&mut tx, &event.document(id, None)).await?;
    tx.commit().await?;
    tracing::info!(document = %id, "document deleted (versions kept)");
    Ok(())
}

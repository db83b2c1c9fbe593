//! What the document handlers call to change documents (upload, new version, rename, delete;
//! reading is in `reading`). Each asks the policy first, through the case services, before it
//! changes anything; an upload is refused before its body is read.

use super::case_key;
use super::sealing;
use super::upload::{self, StoredFile};
use super::{DocumentError, DocumentResult, check_kind, check_note, check_title};
use crate::app::App;
use crate::audit;
use crate::cases::{CaseError, LoadedCase, authorize};
use crate::crypto::keys::CaseKey;
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::{CaseId, DocumentId};
use crate::domain::notice_event::NoticeEvent;
use crate::notify::enqueue;
use crate::policy::{Action, Actor, Reason};
use crate::store::StoreError;
use crate::store::documents::{self as store, DocumentRow, NewVersion};
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

pub(super) fn not_found() -> DocumentError {
    DocumentError::Case(CaseError::Denied(Reason::NotFound))
}

/// The document, if it exists and is not deleted, and the policy allows `action` on its case.
/// Anyone the case is hidden from learns nothing about the document either.
pub(super) async fn document_for(
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

//! One file streamed from the request into the blob store: the first bytes are held back to
//! sniff the type (415 before anything is stored), then every piece is counted (413 past the
//! limit), hashed, checked to be still of the sniffed type (`content_check`: a text file is
//! text to its end) and encrypted on its way to the blob writer. Memory holds one sniffing prefix
//! and one encrypted chunk, whatever the file's size; plaintext never touches a disk.
//!
//! The blob is noted as pending before it is written. Whoever makes the version row visible
//! removes that note in the same transaction; a note left behind (a crash, a lost connection,
//! a refused version) marks an orphan for the sweeper.

use super::content_check::ContentCheck;
use super::sniff::{SNIFF_LEN, familiar, sniff};
use super::{DocumentError, DocumentResult};
use crate::app::App;
use crate::blobs::{BlobKey, BlobWriter};
use crate::crypto::keys::CaseKey;
use crate::crypto::stream::{DataKey, Encryptor};
use crate::domain::file_type::FileType;
use crate::domain::ids::{CaseId, VersionId};
use crate::store::documents as store;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use ring::digest::{Context, SHA256};

/// A file written to the store and sealed, not yet visible as a version.
#[derive(Debug)]
pub struct StoredFile {
    pub version_id: VersionId,
    pub blob_key: BlobKey,
    pub size: u64,
    pub sha256: String,
    pub content_type: FileType,
    pub wrapped_data_key: Vec<u8>,
}

/// Where a case's version blobs live: nothing a user typed is part of it.
pub fn blob_key(case: CaseId, version: VersionId) -> BlobKey {
    BlobKey::new(format!("cases/{case}/{version}")).expect("uuids make a valid blob key")
}

/// Streams `body` into a new blob of `case`, encrypted under a fresh data key.
pub async fn receive<S, E>(
    state: &App,
    case: CaseId,
    case_key: &CaseKey,
    mut body: S,
) -> DocumentResult<StoredFile>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let max = state.settings.documents.max_upload_bytes;
    let mut size: u64 = 0;
    let mut next = async || -> DocumentResult<Option<Bytes>> {
        match body.next().await {
            None => Ok(None),
            Some(Err(e)) => Err(DocumentError::Interrupted(e.to_string())),
            Some(Ok(piece)) => {
                size += piece.len() as u64;
                if size > max {
                    return Err(DocumentError::TooLarge { max });
                }
                Ok(Some(piece))
            }
        }
    };

    // The prefix decides the type before a single byte is stored.
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    let mut ended = false;
    while prefix.len() < SNIFF_LEN {
        match next().await? {
            Some(piece) => prefix.extend_from_slice(&piece),
            None => {
                ended = true;
                break;
            }
        }
    }
    let found = sniff(&prefix, ended);
    let content_type = found
        .filter(|found| state.settings.documents.allowed_types.contains(found))
        .ok_or_else(|| DocumentError::UnsupportedType {
            found: found.map_or("unknown", FileType::media_type).to_owned(),
            allowed: state.settings.documents.allowed_types.clone(),
            familiar: familiar(&prefix),
        })?;

    let version_id = VersionId::new();
    let key = blob_key(case, version_id);
    store::add_pending_blob(&state.db, key.as_str(), state.clock.now()).await?;
    let mut writer = state.blobs.writer(&key).await?;
    let data_key = DataKey::generate()?;
    let mut sealer = Sealer {
        encryptor: Encryptor::new(&data_key, version_id.uuid()),
        hash: Context::new(&SHA256),
        check: ContentCheck::new(content_type),
        sealed: Vec::with_capacity(WRITE_AT_LEAST + 2 * crate::crypto::stream::CHUNK_SIZE),
    };
    let written = async {
        sealer.push(&prefix, &mut writer).await?;
        drop(prefix);
        if !ended {
            while let Some(piece) = next().await? {
                sealer.push(&piece, &mut writer).await?;
            }
        }
        let sha256 = sealer.finish(&mut writer, content_type).await?;
        Ok::<_, DocumentError>(sha256)
    }
    .await;
    let sha256 = match written {
        Ok(sha256) => sha256,
        Err(e) => {
            // Nothing visible was made; the pending note goes once the blob is surely gone.
            if writer.abort().await.is_ok() {
                let _ = store::remove_pending_blob(&state.db, key.as_str()).await;
            }
            return Err(e);
        }
    };
    writer.commit().await?;
    Ok(StoredFile {
        version_id,
        wrapped_data_key: case_key.wrap_data_key(version_id.uuid(), &data_key)?,
        blob_key: key,
        size,
        sha256,
        content_type,
    })
}

/// Sealed bytes gathered before a write: a body arrives in pieces of a few KiB, and writing
/// each chunk as it is sealed handed one write to the blocking pool every 64 KiB, so thread
/// wake-ups cost more than the AES-GCM.
const WRITE_AT_LEAST: usize = 1024 * 1024;

/// Hashes and checks plaintext and passes its sealed chunks to the writer.
struct Sealer {
    encryptor: Encryptor,
    hash: Context,
    /// The whole file must stay what its prefix was sniffed as.
    check: ContentCheck,
    sealed: Vec<u8>,
}

impl Sealer {
    async fn push(&mut self, plaintext: &[u8], writer: &mut BlobWriter) -> DocumentResult<()> {
        self.hash.update(plaintext);
        self.check.update(plaintext);
        self.encryptor.update(plaintext, &mut self.sealed)?;
        if self.sealed.len() >= WRITE_AT_LEAST {
            writer.write(&self.sealed).await?;
            self.sealed.clear();
        }
        Ok(())
    }

    /// Ends the blob, unless the file turned out not to be its sniffed type (the caller then
    /// aborts the writer, so nothing of it is kept).
    async fn finish(mut self, writer: &mut BlobWriter, found: FileType) -> DocumentResult<String> {
        if let Err(mismatch) = self.check.finish() {
            return Err(DocumentError::NotAsSniffed { found, mismatch });
        }
        self.encryptor.finish(&mut self.sealed)?;
        writer.write(&self.sealed).await?;
        Ok(hex::encode(self.hash.finish()))
    }
}

/// Undoes a stored file that will not become a version (a refused version, invalid fields).
pub async fn discard(state: &App, file: &StoredFile) {
    match state.blobs.delete(&file.blob_key).await {
        Ok(()) => {
            let _ = store::remove_pending_blob(&state.db, file.blob_key.as_str()).await;
        }
        Err(e) => tracing::warn!(error = %e, "blob left for the sweeper"),
    }
}

//! Blob storage: where encrypted document bytes live. A backend per deployment: a local
//! directory (the embedded default) or an S3 bucket. Bytes here are always ciphertext, and no
//! user-chosen name ever reaches a storage path: keys are made by the service (`BlobKey`).
//!
//! Everything streams: a writer holds at most one S3 part (8 MiB) or nothing (local), a reader one
//! chunk. A blob becomes visible under its key only when its writer commits; writing an existing
//! key replaces it atomically.

mod key;
mod local;
mod s3;
#[cfg(test)]
mod tests;

pub use key::BlobKey;
pub use local::LocalDir;
pub use s3::S3Store;

use local::{LocalReader, LocalWriter};
use s3::{S3Reader, S3Writer};

use crate::config::{BlobBackend, Settings};
use bytes::Bytes;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone)]
pub enum BlobStore {
    Local(LocalDir),
    S3(S3Store),
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob store I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("blob not found")]
    NotFound,
    #[error("invalid blob key {0}")]
    InvalidKey(String),
    /// The S3 operation and the service's message; never credentials.
    #[error("S3 {0}")]
    S3(String),
    /// The store did not answer, or answered that it is in trouble (a connection refused or
    /// timed out, S3 5xx or SlowDown): worth trying again later, unlike `S3`.
    #[error("blob store out of reach: {0}")]
    Unavailable(String),
    #[error("blob store configuration: {0}")]
    Config(String),
    #[error("blob too large: {0}")]
    TooLarge(String),
    #[error("an earlier write to this blob failed; it cannot be committed")]
    WriterFailed,
}

impl BlobError {
    /// The disk (or quota) the blob was being written to is full: a clear 507, not a fault.
    pub fn is_storage_full(&self) -> bool {
        matches!(self, Self::Io(e) if matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ))
    }
}

impl BlobStore {
    pub async fn open(settings: &Settings) -> Result<Self, BlobError> {
        match settings.blobs.backend {
            BlobBackend::Local => Ok(Self::Local(LocalDir::open(settings.blob_dir()).await?)),
            BlobBackend::S3 => {
                let s3 = settings.blobs.s3.as_ref().ok_or_else(|| {
                    BlobError::Config("blobs.backend is \"s3\" but [blobs.s3] is missing".into())
                })?;
                Ok(Self::S3(S3Store::open(s3).await?))
            }
        }
    }

    /// Whether the store answers (and, locally, takes a file), for readiness checks.
    pub async fn check_ready(&self) -> Result<(), BlobError> {
        match self {
            Self::Local(dir) => dir.check_ready().await,
            Self::S3(s3) => s3.check_ready().await,
        }
    }

    /// Starts a blob; nothing is visible under `key` until [`BlobWriter::commit`].
    pub async fn writer(&self, key: &BlobKey) -> Result<BlobWriter, BlobError> {
        Ok(match self {
            Self::Local(dir) => BlobWriter::new(Writer::Local(dir.writer(key).await?)),
            Self::S3(s3) => BlobWriter::new(Writer::S3(s3.writer(key))),
        })
    }

    /// [`BlobError::NotFound`] when there is no blob under `key`.
    pub async fn reader(&self, key: &BlobKey) -> Result<BlobReader, BlobError> {
        Ok(match self {
            Self::Local(dir) => BlobReader(Reader::Local(dir.reader(key).await?)),
            Self::S3(s3) => BlobReader(Reader::S3(s3.reader(key).await?)),
        })
    }

    /// Removes the blob; a missing one is not an error.
    pub async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        match self {
            Self::Local(dir) => dir.delete(key).await,
            Self::S3(s3) => s3.delete(key).await,
        }
    }

    pub async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError> {
        match self {
            Self::Local(dir) => dir.exists(key).await,
            Self::S3(s3) => s3.exists(key).await,
        }
    }

    /// Every committed key starting with `prefix` (`""` for all), with its last-modified time,
    /// for the orphan sweeper. Keys in no particular order.
    pub async fn list(&self, prefix: &str) -> Result<Vec<(BlobKey, SystemTime)>, BlobError> {
        key::check_prefix(prefix)?;
        match self {
            Self::Local(dir) => dir.list(prefix).await,
            Self::S3(s3) => s3.list(prefix).await,
        }
    }

    /// Removes what writers left behind when they were neither committed nor aborted (a crash,
    /// a failed cleanup) and began more than `older_than` ago: temp files locally, incomplete
    /// multipart uploads on S3. Returns how many. Call at start and from the sweeper; keep
    /// `older_than` well above the longest upload.
    pub async fn sweep_incomplete(&self, older_than: Duration) -> Result<usize, BlobError> {
        match self {
            Self::Local(dir) => dir.sweep_temp(older_than).await,
            Self::S3(s3) => s3.sweep_incomplete(older_than).await,
        }
    }
}

/// A blob being written. Dropped without `commit`/`abort`, it cleans up in the background (when
/// inside a tokio runtime); what a crash leaves is for [`BlobStore::sweep_incomplete`].
#[derive(Debug)]
pub struct BlobWriter {
    inner: Writer,
    /// After a failed write the blob may have a hole: it must not be committed.
    failed: bool,
}

#[derive(Debug)]
enum Writer {
    Local(LocalWriter),
    S3(S3Writer),
}

impl BlobWriter {
    fn new(inner: Writer) -> Self {
        Self {
            inner,
            failed: false,
        }
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        if self.failed {
            return Err(BlobError::WriterFailed);
        }
        let result = match &mut self.inner {
            Writer::Local(w) => w.write(bytes).await,
            Writer::S3(w) => w.write(bytes).await,
        };
        self.failed = result.is_err();
        result
    }

    /// Makes the blob visible atomically; returns the bytes written.
    pub async fn commit(self) -> Result<u64, BlobError> {
        if self.failed {
            // Dropping `self` discards what was written.
            return Err(BlobError::WriterFailed);
        }
        match self.inner {
            Writer::Local(w) => w.commit().await,
            Writer::S3(w) => w.commit().await,
        }
    }

    /// Discards everything written.
    pub async fn abort(self) -> Result<(), BlobError> {
        match self.inner {
            Writer::Local(w) => w.abort().await,
            Writer::S3(w) => w.abort().await,
        }
    }
}

/// A blob being read, chunk by chunk.
#[derive(Debug)]
pub struct BlobReader(Reader);

#[derive(Debug)]
enum Reader {
    Local(LocalReader),
    S3(S3Reader),
}

impl BlobReader {
    /// The next piece of the blob, `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, BlobError> {
        match &mut self.0 {
            Reader::Local(r) => r.next_chunk().await,
            Reader::S3(r) => r.next_chunk().await,
        }
    }

    /// The blob's size, when the store said.
    pub fn len(&self) -> Option<u64> {
        match &self.0 {
            Reader::Local(r) => Some(r.len()),
            Reader::S3(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }
}

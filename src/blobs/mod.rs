//! Blob storage: where encrypted document bytes live. A backend per deployment: a local
//! directory on the embedded default (S3 joins with the documents issue). Bytes here are always
//! ciphertext, and no user-chosen name ever reaches a storage path.

mod local;

pub use local::LocalDir;

use crate::config::{BlobBackend, Settings};

#[derive(Debug, Clone)]
pub enum BlobStore {
    Local(LocalDir),
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob store I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl BlobStore {
    pub async fn open(settings: &Settings) -> Result<Self, BlobError> {
        match settings.blobs.backend {
            BlobBackend::Local => Ok(Self::Local(LocalDir::open(settings.blob_dir()).await?)),
        }
    }

    /// Whether the store answers and accepts writes, for readiness checks.
    pub async fn check_ready(&self) -> Result<(), BlobError> {
        match self {
            Self::Local(dir) => dir.check_ready().await,
        }
    }
}

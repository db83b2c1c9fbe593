//! The local-directory blob store of the embedded default.

use super::BlobError;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    /// Opens the directory, creating it (owner-only) on first start.
    pub async fn open(root: PathBuf) -> Result<Self, BlobError> {
        tokio::fs::create_dir_all(&root).await?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tokio::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).await?;
        }
        Ok(Self { root })
    }

    /// The directory must still exist and take a file.
    pub async fn check_ready(&self) -> Result<(), BlobError> {
        let probe = self.root.join(format!(".ready-{}", uuid::Uuid::new_v4()));
        tokio::fs::write(&probe, b"").await?;
        tokio::fs::remove_file(&probe).await?;
        Ok(())
    }
}

//! The local-directory blob store of the embedded default.
//!
//! A blob is the file `<root>/<key>`. Writers fill a temp file in `<root>/.tmp/` (same file
//! system, so the final rename is atomic), fsync it, rename it into place and fsync the directory,
//! so after a crash a key holds either the old blob, the new one, or nothing — never a part.
//! Keys cannot contain `.`, so `.tmp` and the readiness probes never collide with a key.

use super::{BlobError, BlobKey};
use bytes::Bytes;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::fs;
use tokio::io::AsyncWriteExt;

const TMP_DIR: &str = ".tmp";
/// One read from a blob file: four encrypted chunks, few enough hand-offs to the blocking pool
/// that reading keeps up with decryption, small enough to stay in the CPU caches.
/// A read of a blob: large, so the blocking pool is asked two thousand times a GiB, not the
/// sixteen thousand of tokio's default.
const READ_LEN: usize = 512 * 1024;

#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    /// Opens the directory, creating it (owner-only) on first start.
    pub async fn open(root: PathBuf) -> Result<Self, BlobError> {
        fs::create_dir_all(&root).await?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).await?;
        }
        let dir = Self { root };
        create_private_dir(&dir.tmp_dir()).await?;
        Ok(dir)
    }

    /// The directory must still exist and take a file.
    pub async fn check_ready(&self) -> Result<(), BlobError> {
        let probe = self
            .tmp_dir()
            .join(format!("ready-{}", uuid::Uuid::new_v4()));
        fs::write(&probe, b"").await?;
        fs::remove_file(&probe).await?;
        Ok(())
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join(TMP_DIR)
    }

    fn path(&self, key: &BlobKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    pub(super) async fn writer(&self, key: &BlobKey) -> Result<LocalWriter, BlobError> {
        let temp = TempFile(Some(
            self.tmp_dir()
                .join(format!("{}.part", uuid::Uuid::new_v4())),
        ));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(temp.path()).await?;
        Ok(LocalWriter {
            file,
            temp,
            root: self.root.clone(),
            key: key.clone(),
            written: 0,
            syncing: None,
        })
    }

    pub(super) async fn reader(&self, key: &BlobKey) -> Result<LocalReader, BlobError> {
        let file = fs::File::open(self.path(key)).await.map_err(not_found)?;
        let meta = file.metadata().await?;
        // A key that is a directory here is only the prefix of other keys.
        if !meta.is_file() {
            return Err(BlobError::NotFound);
        }
        Ok(LocalReader {
            file: Arc::new(file.into_std().await),
            len: meta.len(),
        })
    }

    pub(super) async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let path = self.path(key);
        match fs::remove_file(&path).await {
            Ok(()) => sync_parent(&path).await,
            Err(e) if is_missing(&e) || e.kind() == io::ErrorKind::IsADirectory => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError> {
        match fs::metadata(self.path(key)).await {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if is_missing(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Walks only the directories that can hold keys starting with `prefix`.
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(BlobKey, SystemTime)>, BlobError> {
        let mut found = Vec::new();
        let start = prefix.rfind('/').map_or("", |i| &prefix[..=i]);
        let mut dirs = vec![start.to_owned()];
        while let Some(rel) = dirs.pop() {
            let mut entries = match fs::read_dir(self.root.join(&rel)).await {
                Ok(entries) => entries,
                Err(e) if is_missing(&e) => continue,
                Err(e) => return Err(e.into()),
            };
            while let Some(entry) = entries.next_entry().await? {
                // `.tmp`, probes and anything else that is not a key.
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                let Ok(key) = BlobKey::new(format!("{rel}{name}")) else {
                    continue;
                };
                let kind = entry.file_type().await?;
                if kind.is_dir() {
                    let sub = format!("{key}/");
                    if sub.starts_with(prefix) || prefix.starts_with(&sub) {
                        dirs.push(sub);
                    }
                } else if kind.is_file() && key.as_str().starts_with(prefix) {
                    found.push((key, entry.metadata().await?.modified()?));
                }
            }
        }
        Ok(found)
    }

    /// Removes temp files of writers that crashed (or whose drop cleanup failed) and were last
    /// written more than `older_than` ago.
    pub async fn sweep_temp(&self, older_than: Duration) -> Result<usize, BlobError> {
        let cutoff = SystemTime::now()
            .checked_sub(older_than)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut entries = fs::read_dir(self.tmp_dir()).await?;
        let mut removed = 0;
        while let Some(entry) = entries.next_entry().await? {
            let meta = entry.metadata().await?;
            if !meta.is_file() || meta.modified()? >= cutoff {
                continue;
            }
            match fs::remove_file(entry.path()).await {
                Ok(()) => removed += 1,
                Err(e) if is_missing(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(removed)
    }
}

/// The temp file is removed when this drops, unless it was renamed into place.
#[derive(Debug)]
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0
            .as_deref()
            .expect("a TempFile has its path until dropped or kept")
    }

    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let Some(path) = self.0.take() else { return };
        // Off the async worker when there is one; a leftover is for `sweep_temp`.
        let remove = move || drop(std::fs::remove_file(path));
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

#[derive(Debug)]
pub(super) struct LocalWriter {
    // Declared before `temp` so the file is closed before its removal on drop.
    file: fs::File,
    temp: TempFile,
    root: PathBuf,
    key: BlobKey,
    written: u64,
    /// The background flush of what was written so far (see `SYNC_EVERY`).
    syncing: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// A large blob is flushed to disk in the background every this many bytes while the rest is
/// still arriving, so the commit's fsync waits only for the last stretch instead of the whole
/// file (the kernel would otherwise hold it all in the page cache until that fsync).
const SYNC_EVERY: u64 = 32 * 1024 * 1024;

impl LocalWriter {
    pub(super) async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        self.file.write_all(bytes).await?;
        let before = self.written;
        self.written += bytes.len() as u64;
        if before / SYNC_EVERY != self.written / SYNC_EVERY {
            self.sync_in_background().await?;
        }
        Ok(())
    }

    /// Starts flushing what is written so far, unless the previous flush is still running.
    async fn sync_in_background(&mut self) -> Result<(), BlobError> {
        if self.syncing.as_ref().is_some_and(|job| !job.is_finished()) {
            return Ok(());
        }
        if let Some(done) = self.syncing.take() {
            finished(done).await?;
        }
        // What tokio's File holds back is handed to the kernel first; the clone shares the file.
        self.file.flush().await?;
        let file = self.file.try_clone().await?;
        self.syncing = Some(tokio::spawn(async move { file.sync_data().await }));
        Ok(())
    }

    pub(super) async fn commit(self) -> Result<u64, BlobError> {
        let Self {
            mut file,
            temp,
            root,
            key,
            written,
            syncing,
        } = self;
        if let Some(job) = syncing {
            finished(job).await?;
        }
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let dest = root.join(key.as_str());
        create_parents(&root, &key).await?;
        fs::rename(temp.path(), &dest).await?;
        temp.keep();
        sync_parent(&dest).await?;
        Ok(written)
    }

    pub(super) async fn abort(self) -> Result<(), BlobError> {
        let Self { file, temp, .. } = self;
        drop(file);
        let path = temp.path().to_owned();
        temp.keep();
        fs::remove_file(path).await?;
        Ok(())
    }
}

/// The outcome of a background flush.
async fn finished(job: tokio::task::JoinHandle<std::io::Result<()>>) -> Result<(), BlobError> {
    job.await.map_err(|e| {
        std::io::Error::other(format!("a background fsync ended abnormally: {e}"))
    })??;
    Ok(())
}

#[derive(Debug)]
pub(super) struct LocalReader {
    file: Arc<std::fs::File>,
    len: u64,
}

impl LocalReader {
    /// The next `READ_LEN` bytes (fewer at the end), read on the blocking pool straight into the
    /// buffer that is handed on: tokio's own `File` would read into a buffer of its own and copy,
    /// a third of a download's memory traffic.
    pub(super) async fn next_chunk(&mut self) -> Result<Option<Bytes>, BlobError> {
        let file = Arc::clone(&self.file);
        let read = tokio::task::spawn_blocking(move || -> io::Result<Vec<u8>> {
            // `read_to_end` fills the spare capacity as it is (std's File reads into
            // uninitialised memory), so the buffer is written once, by the kernel.
            let mut buf = Vec::with_capacity(READ_LEN);
            (&*file).take(READ_LEN as u64).read_to_end(&mut buf)?;
            Ok(buf)
        });
        let buf = read
            .await
            .map_err(|e| io::Error::other(format!("a blob read ended abnormally: {e}")))??;
        Ok((!buf.is_empty()).then(|| Bytes::from(buf)))
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }
}

/// Creates the key's missing directories one by one (owner-only), syncing each new one's parent
/// so the entry survives a crash.
async fn create_parents(root: &Path, key: &BlobKey) -> Result<(), BlobError> {
    let Some((dirs, _)) = key.as_str().rsplit_once('/') else {
        return Ok(());
    };
    let mut path = root.to_owned();
    for segment in dirs.split('/') {
        path.push(segment);
        if create_private_dir(&path).await? {
            sync_parent(&path).await?;
        }
    }
    Ok(())
}

/// Whether it created the directory; an existing one is fine.
async fn create_private_dir(path: &Path) -> Result<bool, BlobError> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    builder.mode(0o700);
    match builder.create(path).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Makes a rename, creation or removal in `path`'s directory durable.
async fn sync_parent(path: &Path) -> Result<(), BlobError> {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        fs::File::open(parent).await?.sync_all().await?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A missing file, or a path through something that is not a directory.
fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

fn not_found(e: io::Error) -> BlobError {
    if is_missing(&e) {
        BlobError::NotFound
    } else {
        e.into()
    }
}

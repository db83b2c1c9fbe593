//! Encryption at rest (DESIGN.md §4): master keys, per-case keys, sealing small secrets, keyed
//! CPR lookups and the streaming blob format. Login's own primitives stay with login in `auth/`
//! (session and flow token hashes, password hashing, TOTP, the development provider's signing
//! key); document hashes (SHA-256 for the stored checksum) are computed where documents stream.

pub mod keys;
pub mod lookup;
pub mod master_keys;
pub mod purpose;
pub mod seal;
pub mod stream;

use std::path::Path;

/// Writes a new file readable by its owner only (keys).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

//! Blob keys. The service makes them (`cases/<uuid>/<uuid>`); they become file paths and object
//! names, so the alphabet is narrow enough that no key can escape the store's root or alias
//! another key.

use super::BlobError;

/// S3 allows 1024 bytes; the service's keys are far shorter.
const MAX_LEN: usize = 512;

/// A validated key: `[a-z0-9-]` segments joined by single `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    pub fn new(key: impl Into<String>) -> Result<Self, BlobError> {
        let key = key.into();
        check(&key, false)?;
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for BlobKey {
    type Err = BlobError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// A prefix for `list`: empty, or the start of a key, possibly ending in `/`.
pub(super) fn check_prefix(prefix: &str) -> Result<(), BlobError> {
    if prefix.is_empty() {
        return Ok(());
    }
    check(prefix, true)
}

fn check(key: &str, is_prefix: bool) -> Result<(), BlobError> {
    let bad = |why: &str| Err(BlobError::InvalidKey(format!("{key:?}: {why}")));
    if key.is_empty() {
        return bad("empty");
    }
    if key.len() > MAX_LEN {
        return bad("too long");
    }
    if let Some(c) = key
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '/'))
    {
        return bad(&format!("character {c:?} is not allowed"));
    }
    // Unreachable with this alphabet, but the one property that must never break.
    if key.contains("..") {
        return bad("contains ..");
    }
    if key.starts_with('/') {
        return bad("starts with /");
    }
    if key.contains("//") {
        return bad("empty segment");
    }
    if !is_prefix && key.ends_with('/') {
        return bad("ends with /");
    }
    Ok(())
}

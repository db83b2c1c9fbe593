//! Keyed hashes for finding a record by a sensitive value (a CPR number) without storing it in
//! the clear: HMAC-SHA256 with a secret key, so a stolen database cannot be searched by
//! computing hashes of all 3.6 million possible CPR numbers of a year.
//!
//! The key must never change once data exists (every stored hash depends on it).

use super::purpose::LookupPurpose;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::path::Path;
use zeroize::Zeroizing;

pub struct LookupKey(hmac::Key);

impl fmt::Debug for LookupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LookupKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LookupKeyError {
    #[error("crypto.lookup_key: must be the base64 of exactly 32 bytes")]
    Malformed,
    #[error("crypto.lookup_key: not configured")]
    Missing,
    #[error("crypto.lookup_key {path}: {reason}")]
    File { path: String, reason: String },
}

const DEV_FILE: &str = "lookup-key";

impl LookupKey {
    /// The configured key; in development (`generate`) one kept under `<data_dir>/keys`.
    pub fn load(
        configured: Option<&SecretString>,
        generate: bool,
        data_dir: &Path,
    ) -> Result<Self, LookupKeyError> {
        if let Some(text) = configured {
            return Self::from_base64(text.expose_secret());
        }
        if !generate {
            return Err(LookupKeyError::Missing);
        }
        let path = data_dir.join("keys").join(DEV_FILE);
        let file_error = |e: std::io::Error| LookupKeyError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if !path.exists() {
            let mut key = Zeroizing::new([0u8; 32]);
            SystemRandom::new()
                .fill(key.as_mut())
                .map_err(|_| LookupKeyError::File {
                    path: path.display().to_string(),
                    reason: "no randomness".into(),
                })?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            super::write_private(&path, STANDARD.encode(key.as_ref()).as_bytes())
                .map_err(file_error)?;
        }
        let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(file_error)?);
        Self::from_base64(&text)
    }

    pub fn from_base64(text: &str) -> Result<Self, LookupKeyError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| LookupKeyError::Malformed)?,
        );
        if bytes.len() != 32 {
            return Err(LookupKeyError::Malformed);
        }
        Ok(Self(hmac::Key::new(hmac::HMAC_SHA256, &bytes)))
    }

    /// The hex HMAC of `purpose` and `value`; the purpose keeps hashes of one kind of value from
    /// matching another's.
    pub fn hash(&self, purpose: LookupPurpose, value: &str) -> String {
        self.hash_labelled(purpose.label(), value)
    }

    fn hash_labelled(&self, purpose: &str, value: &str) -> String {
        let mut context = hmac::Context::with_key(&self.0);
        context.update(purpose.as_bytes());
        context.update(&[0]);
        context.update(value.as_bytes());
        hex::encode(context.sign())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_and_purpose_bound() {
        let a = LookupKey::from_base64(&STANDARD.encode([1u8; 32])).unwrap();
        let b = LookupKey::from_base64(&STANDARD.encode([2u8; 32])).unwrap();
        assert_eq!(
            a.hash(LookupPurpose::Cpr, "0101011234"),
            a.hash(LookupPurpose::Cpr, "0101011234")
        );
        assert_ne!(
            a.hash(LookupPurpose::Cpr, "0101011234"),
            b.hash(LookupPurpose::Cpr, "0101011234")
        );
        assert_ne!(
            a.hash(LookupPurpose::Cpr, "0101011234"),
            a.hash_labelled("other", "0101011234")
        );
        assert_eq!(a.hash(LookupPurpose::Cpr, "x").len(), 64);
        assert!(LookupKey::from_base64("AAAA").is_err());
    }

    #[test]
    fn development_key_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = LookupKey::load(None, true, dir.path()).unwrap();
        let second = LookupKey::load(None, true, dir.path()).unwrap();
        assert_eq!(
            first.hash(LookupPurpose::Cpr, "1"),
            second.hash(LookupPurpose::Cpr, "1")
        );
        assert!(matches!(
            LookupKey::load(None, false, dir.path()),
            Err(LookupKeyError::Missing)
        ));
    }
}

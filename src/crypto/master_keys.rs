//! Master keys (key-encryption keys): loaded by id from configuration or a mounted file, so keys
//! can be rotated. The embedded default makes one under `<data_dir>/keys` on first start; the
//! production profile refuses that (see `config::production`).

use crate::config::CryptoSettings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::ExposeSecret;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const KEY_LEN: usize = 32;

/// A 256-bit key that is wiped from memory when dropped and never printed.
pub struct MasterKey(Zeroizing<[u8; KEY_LEN]>);

impl MasterKey {
    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

#[derive(Debug)]
pub struct MasterKeyRing {
    active: String,
    keys: BTreeMap<String, MasterKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("crypto.master_keys.{id}: must be the base64 of exactly 32 bytes")]
    Malformed { id: String },
    #[error("crypto.master_keys_file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("crypto.master_keys: no master key configured")]
    None,
    #[error("crypto.active_master_key: '{0}' is not among the loaded master keys")]
    UnknownActive(String),
    #[error("crypto.active_master_key: several master keys are loaded, so name the active one")]
    AmbiguousActive,
}

const DEV_KEY_FILE: &str = "master-keys.toml";

impl MasterKeyRing {
    /// Loads the keys from settings and the keys file; in development, when none is configured and
    /// `generate_dev_master_key` is on, from (or into) `<data_dir>/keys/master-keys.toml`.
    pub fn load(settings: &CryptoSettings, data_dir: &Path) -> Result<Self, MasterKeyError> {
        let mut encoded: BTreeMap<String, String> = settings
            .master_keys
            .iter()
            .map(|(id, key)| (id.clone(), key.expose_secret().to_owned()))
            .collect();
        let mut files = Vec::new();
        if let Some(path) = &settings.master_keys_file {
            files.push(path.clone());
        }
        if encoded.is_empty() && files.is_empty() && settings.generate_dev_master_key {
            let path = data_dir.join("keys").join(DEV_KEY_FILE);
            if !path.exists() {
                write_new_key_file(&path)?;
            }
            files.push(path);
        }
        for path in files {
            encoded.extend(read_key_file(&path)?);
        }
        let keys = encoded
            .into_iter()
            .map(|(id, text)| decode(&id, &text).map(|key| (id, key)))
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        let active = match &settings.active_master_key {
            Some(id) if keys.contains_key(id) => id.clone(),
            Some(id) => return Err(MasterKeyError::UnknownActive(id.clone())),
            None if keys.len() == 1 => keys.keys().next().cloned().unwrap_or_default(),
            None if keys.is_empty() => return Err(MasterKeyError::None),
            None => return Err(MasterKeyError::AmbiguousActive),
        };
        Ok(Self { active, keys })
    }

    pub fn active_id(&self) -> &str {
        &self.active
    }

    pub fn active(&self) -> &MasterKey {
        &self.keys[&self.active]
    }

    pub fn get(&self, id: &str) -> Option<&MasterKey> {
        self.keys.get(id)
    }
}

fn decode(id: &str, text: &str) -> Result<MasterKey, MasterKeyError> {
    let bytes = Zeroizing::new(
        STANDARD
            .decode(text.trim())
            .map_err(|_| MasterKeyError::Malformed { id: id.to_owned() })?,
    );
    let key: [u8; KEY_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| MasterKeyError::Malformed { id: id.to_owned() })?;
    Ok(MasterKey(Zeroizing::new(key)))
}

fn read_key_file(path: &Path) -> Result<BTreeMap<String, String>, MasterKeyError> {
    let file_error = |reason: String| MasterKeyError::File {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    toml::from_str(&text).map_err(|e| file_error(format!("expected lines id = \"base64\": {e}")))
}

fn write_new_key_file(path: &Path) -> Result<(), MasterKeyError> {
    let file_error = |e: std::io::Error| MasterKeyError::File {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    SystemRandom::new()
        .fill(key.as_mut())
        .map_err(|_| MasterKeyError::File {
            path: path.to_owned(),
            reason: "the system random generator failed".into(),
        })?;
    let id = format!("dev-{}", time::OffsetDateTime::now_utc().unix_timestamp());
    let contents = Zeroizing::new(format!(
        "# Generated on first start for development only. Never use in production.\n\"{id}\" = \"{}\"\n",
        STANDARD.encode(key.as_ref())
    ));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(file_error)?;
    }
    super::write_private(path, contents.as_bytes()).map_err(file_error)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use secrecy::SecretString;

    /// A ring of test keys, each 32 copies of one byte.
    pub(crate) fn ring(keys: &[(&str, u8)], active: &str) -> MasterKeyRing {
        use base64::Engine;
        let settings = crate::config::CryptoSettings {
            active_master_key: Some(active.into()),
            master_keys: keys
                .iter()
                .map(|(id, b)| {
                    (
                        id.to_string(),
                        SecretString::from(
                            base64::engine::general_purpose::STANDARD.encode([*b; 32]),
                        ),
                    )
                })
                .collect(),
            master_keys_file: None,
            generate_dev_master_key: false,
            lookup_key: None,
        };
        MasterKeyRing::load(&settings, std::path::Path::new("/nonexistent")).unwrap()
    }

    fn settings(keys: &[(&str, &str)], active: Option<&str>, generate: bool) -> CryptoSettings {
        CryptoSettings {
            active_master_key: active.map(str::to_owned),
            master_keys: keys
                .iter()
                .map(|(id, k)| (id.to_string(), SecretString::from(k.to_string())))
                .collect(),
            master_keys_file: None,
            generate_dev_master_key: generate,
            lookup_key: None,
        }
    }

    const K1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    const K2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";

    #[test]
    fn loads_configured_keys_and_picks_the_active_one() {
        let dir = tempfile::tempdir().unwrap();
        let ring = MasterKeyRing::load(
            &settings(&[("a", K1), ("b", K2)], Some("b"), false),
            dir.path(),
        )
        .unwrap();
        assert_eq!(ring.active_id(), "b");
        assert_eq!(ring.active().bytes(), &[2u8; 32]);
        assert_eq!(ring.get("a").unwrap().bytes(), &[1u8; 32]);
    }

    #[test]
    fn refuses_malformed_missing_and_ambiguous_keys() {
        let dir = tempfile::tempdir().unwrap();
        let short = MasterKeyRing::load(&settings(&[("a", "AAAA")], None, false), dir.path());
        assert!(matches!(short, Err(MasterKeyError::Malformed { id }) if id == "a"));
        let none = MasterKeyRing::load(&settings(&[], None, false), dir.path());
        assert!(matches!(none, Err(MasterKeyError::None)));
        let two = MasterKeyRing::load(&settings(&[("a", K1), ("b", K2)], None, false), dir.path());
        assert!(matches!(two, Err(MasterKeyError::AmbiguousActive)));
    }

    #[test]
    fn development_key_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = MasterKeyRing::load(&settings(&[], None, true), dir.path()).unwrap();
        let second = MasterKeyRing::load(&settings(&[], None, true), dir.path()).unwrap();
        assert_eq!(first.active_id(), second.active_id());
        assert_eq!(first.active().bytes(), second.active().bytes());
        assert_ne!(first.active().bytes(), &[0u8; 32]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys").join(DEV_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key file is private");
        }
    }
}

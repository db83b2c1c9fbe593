//! Sealing small secrets in a database row (a CPR number, a TOTP secret) with the active master
//! key: AES-256-GCM with a random 96-bit nonce, and the record's purpose as associated data so a
//! sealed value cannot be moved to another column.
//!
//! Format: `1` (version) | key-id length (1 byte) | key id (UTF-8) | nonce (12) | ciphertext+tag.

use super::master_keys::MasterKeyRing;
use super::purpose::SealPurpose;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const VERSION: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed with master key '{0}', which is not loaded")]
    UnknownKey(String),
    #[error("sealed value does not open (wrong key, purpose, or tampered)")]
    Open,
    #[error("the system random generator failed")]
    Random,
}

fn aead_key(bytes: &[u8; 32]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, bytes).expect("32 bytes is an AES-256 key"))
}

pub fn seal(
    keys: &MasterKeyRing,
    purpose: SealPurpose,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    seal_under(
        keys.active_id(),
        keys.active().bytes(),
        &purpose.label(),
        plaintext,
    )
}

pub fn open(
    keys: &MasterKeyRing,
    purpose: SealPurpose,
    sealed: &[u8],
) -> Result<Vec<u8>, SealError> {
    open_with(sealed, &purpose.label(), |id| {
        keys.get(id).map(|key| key.bytes())
    })
}

/// The id of the key a value was sealed under, so rotation can find values to re-seal.
pub fn key_id_of(sealed: &[u8]) -> Result<&str, SealError> {
    parse(sealed).map(|parts| parts.key_id)
}

/// Seals under a key that is not a master key (a case key sealing a data key), named `key_id`.
pub(crate) fn seal_under(
    key_id: &str,
    key: &[u8; 32],
    purpose: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let id = key_id.as_bytes();
    let id_len = u8::try_from(id.len()).map_err(|_| SealError::Malformed)?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| SealError::Random)?;
    let mut body = plaintext.to_vec();
    aead_key(key)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut body,
        )
        .map_err(|_| SealError::Malformed)?;
    let mut out = Vec::with_capacity(2 + id.len() + NONCE_LEN + body.len());
    out.push(VERSION);
    out.push(id_len);
    out.extend_from_slice(id);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    Ok(out)
}

struct Parts<'a> {
    key_id: &'a str,
    nonce: &'a [u8],
    body: &'a [u8],
}

fn parse(sealed: &[u8]) -> Result<Parts<'_>, SealError> {
    let (&version, rest) = sealed.split_first().ok_or(SealError::Malformed)?;
    let (&id_len, rest) = rest.split_first().ok_or(SealError::Malformed)?;
    if version != VERSION || rest.len() < usize::from(id_len) + NONCE_LEN {
        return Err(SealError::Malformed);
    }
    let (id, rest) = rest.split_at(usize::from(id_len));
    let key_id = std::str::from_utf8(id).map_err(|_| SealError::Malformed)?;
    let (nonce, body) = rest.split_at(NONCE_LEN);
    Ok(Parts {
        key_id,
        nonce,
        body,
    })
}

/// Opens a sealed value with the key `key_for` gives for the id inside it.
pub(crate) fn open_with<'k>(
    sealed: &[u8],
    purpose: &str,
    key_for: impl FnOnce(&str) -> Option<&'k [u8; 32]>,
) -> Result<Vec<u8>, SealError> {
    let parts = parse(sealed)?;
    let key =
        key_for(parts.key_id).ok_or_else(|| SealError::UnknownKey(parts.key_id.to_owned()))?;
    let nonce = Nonce::try_assume_unique_for_key(parts.nonce).map_err(|_| SealError::Malformed)?;
    let mut body = parts.body.to_vec();
    let plaintext = aead_key(key)
        .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut body)
        .map_err(|_| SealError::Open)?;
    Ok(plaintext.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::master_keys::tests::ring;

    #[test]
    fn round_trips_and_survives_rotation() {
        let old = ring(&[("k1", 1)], "k1");
        let sealed = seal(&old, SealPurpose::AccountCpr, b"0101011234").unwrap();
        assert!(
            !sealed.windows(10).any(|w| w == b"0101011234"),
            "no plaintext in the sealed bytes"
        );
        assert_eq!(
            open(&old, SealPurpose::AccountCpr, &sealed).unwrap(),
            b"0101011234"
        );
        let rotated = ring(&[("k1", 1), ("k2", 2)], "k2");
        assert_eq!(
            open(&rotated, SealPurpose::AccountCpr, &sealed).unwrap(),
            b"0101011234"
        );
    }

    #[test]
    fn refuses_wrong_purpose_tampering_and_unknown_keys() {
        let keys = ring(&[("k1", 1)], "k1");
        let sealed = seal(&keys, SealPurpose::AccountCpr, b"secret").unwrap();
        assert_eq!(
            open(&keys, SealPurpose::CaseCpr, &sealed),
            Err(SealError::Open)
        );
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(
            open(&keys, SealPurpose::AccountCpr, &flipped),
            Err(SealError::Open)
        );
        assert_eq!(
            open(&keys, SealPurpose::AccountCpr, &sealed[..10]),
            Err(SealError::Malformed)
        );
        let other = ring(&[("k9", 9)], "k9");
        assert_eq!(
            open(&other, SealPurpose::AccountCpr, &sealed),
            Err(SealError::UnknownKey("k1".into()))
        );
    }
}

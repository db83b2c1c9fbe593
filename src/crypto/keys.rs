//! The key hierarchy below the master keys (DESIGN.md §4): a random key per case, sealed by a
//! master key with the case id as purpose; a random data key per document version, sealed by the
//! case key with the version id as purpose. Rotating master keys re-seals case keys only; erasing
//! a case destroys its sealed key, and with it every data key of the case.

use super::master_keys::{KEY_LEN, MasterKeyRing};
use super::purpose::SealPurpose;
use super::seal::{self, SealError};
use super::stream::DataKey;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use uuid::Uuid;
use zeroize::Zeroizing;

/// The key id written into data keys sealed by a case key (there is one case key per case).
const CASE_KEY_ID: &str = "case";

pub struct CaseKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseKey(..)")
    }
}

fn key_from(bytes: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, SealError> {
    let bytes = Zeroizing::new(bytes.to_vec());
    let array: [u8; KEY_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| SealError::Malformed)?;
    Ok(Zeroizing::new(array))
}

impl CaseKey {
    pub fn generate() -> Result<Self, SealError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        SystemRandom::new()
            .fill(key.as_mut())
            .map_err(|_| SealError::Random)?;
        Ok(Self(key))
    }

    /// The case key sealed by the active master key, for the `case_keys` row.
    pub fn wrap(&self, keys: &MasterKeyRing, case: Uuid) -> Result<Vec<u8>, SealError> {
        seal::seal(keys, SealPurpose::CaseKey(case), self.0.as_ref())
    }

    pub fn unwrap(keys: &MasterKeyRing, case: Uuid, wrapped: &[u8]) -> Result<Self, SealError> {
        let plain = Zeroizing::new(seal::open(keys, SealPurpose::CaseKey(case), wrapped)?);
        Ok(Self(key_from(&plain)?))
    }

    pub fn wrap_data_key(&self, version: Uuid, key: &DataKey) -> Result<Vec<u8>, SealError> {
        seal::seal_under(
            CASE_KEY_ID,
            &self.0,
            &SealPurpose::DataKey(version).label(),
            key.expose(),
        )
    }

    pub fn unwrap_data_key(&self, version: Uuid, wrapped: &[u8]) -> Result<DataKey, SealError> {
        let plain = Zeroizing::new(seal::open_with(
            wrapped,
            &SealPurpose::DataKey(version).label(),
            |id| (id == CASE_KEY_ID).then_some(&*self.0),
        )?);
        Ok(DataKey::from_bytes(*key_from(&plain)?))
    }

    /// Seals a short text of the case (a document's title, a version's file name or note) with
    /// the case key, bound to its row by `purpose`: erasing the case key erases it too.
    pub fn seal_text(&self, purpose: SealPurpose, text: &str) -> Result<Vec<u8>, SealError> {
        seal::seal_under(CASE_KEY_ID, &self.0, &purpose.label(), text.as_bytes())
    }

    pub fn open_text(&self, purpose: SealPurpose, sealed: &[u8]) -> Result<String, SealError> {
        let plain = seal::open_with(sealed, &purpose.label(), |id| {
            (id == CASE_KEY_ID).then_some(&*self.0)
        })?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }
}

/// A sealed case key re-sealed under the active master key, or None when it already is.
pub fn rewrap(
    keys: &MasterKeyRing,
    case: Uuid,
    wrapped: &[u8],
) -> Result<Option<Vec<u8>>, SealError> {
    if seal::key_id_of(wrapped)? == keys.active_id() {
        return Ok(None);
    }
    CaseKey::unwrap(keys, case, wrapped)?
        .wrap(keys, case)
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::master_keys::tests::ring;

    #[test]
    fn case_and_data_keys_round_trip_and_are_bound_to_their_ids() {
        let keys = ring(&[("k1", 1)], "k1");
        let (case, other_case) = (Uuid::new_v4(), Uuid::new_v4());
        let case_key = CaseKey::generate().unwrap();
        let wrapped = case_key.wrap(&keys, case).unwrap();
        assert!(
            CaseKey::unwrap(&keys, other_case, &wrapped).is_err(),
            "bound to the case"
        );
        let opened = CaseKey::unwrap(&keys, case, &wrapped).unwrap();
        assert_eq!(*opened.0, *case_key.0);

        let (version, other_version) = (Uuid::new_v4(), Uuid::new_v4());
        let data_key = DataKey::generate().unwrap();
        let sealed = opened.wrap_data_key(version, &data_key).unwrap();
        let back = case_key.unwrap_data_key(version, &sealed).unwrap();
        assert_eq!(back.expose(), data_key.expose());
        assert!(case_key.unwrap_data_key(other_version, &sealed).is_err());
        let stranger = CaseKey::generate().unwrap();
        assert_eq!(
            stranger.unwrap_data_key(version, &sealed).err(),
            Some(SealError::Open),
            "another case's key opens nothing"
        );
    }

    #[test]
    fn texts_sealed_by_a_case_key_open_only_with_it_and_for_their_row() {
        let (document, other) = (Uuid::new_v4(), Uuid::new_v4());
        let case_key = CaseKey::generate().unwrap();
        let title = "Psykiatrisk udredning";
        let sealed = case_key
            .seal_text(SealPurpose::DocumentTitle(document), title)
            .unwrap();
        assert!(!sealed.windows(title.len()).any(|w| w == title.as_bytes()));
        assert_eq!(
            case_key
                .open_text(SealPurpose::DocumentTitle(document), &sealed)
                .unwrap(),
            title
        );
        for wrong in [
            SealPurpose::DocumentTitle(other),
            SealPurpose::VersionFileName(document),
            SealPurpose::VersionNote(document),
        ] {
            assert_eq!(case_key.open_text(wrong, &sealed), Err(SealError::Open));
        }
        let stranger = CaseKey::generate().unwrap();
        assert_eq!(
            stranger.open_text(SealPurpose::DocumentTitle(document), &sealed),
            Err(SealError::Open),
            "another case's key opens nothing"
        );
    }

    #[test]
    fn rotation_rewraps_only_keys_under_an_old_master_key() {
        let old = ring(&[("k1", 1)], "k1");
        let case = Uuid::new_v4();
        let case_key = CaseKey::generate().unwrap();
        let wrapped = case_key.wrap(&old, case).unwrap();
        assert_eq!(rewrap(&old, case, &wrapped).unwrap(), None);

        let rotated = ring(&[("k1", 1), ("k2", 2)], "k2");
        let rewrapped = rewrap(&rotated, case, &wrapped).unwrap().unwrap();
        assert_eq!(seal::key_id_of(&rewrapped).unwrap(), "k2");
        let only_new = ring(&[("k2", 2)], "k2");
        let opened = CaseKey::unwrap(&only_new, case, &rewrapped).unwrap();
        assert_eq!(
            *opened.0, *case_key.0,
            "the same case key, so no blob changes"
        );
        assert!(
            CaseKey::unwrap(&only_new, case, &wrapped).is_err(),
            "k1 retired"
        );
    }
}

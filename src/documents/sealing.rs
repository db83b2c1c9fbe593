//! Document titles, file names and version notes are sealed with the case key, like the blobs
//! (AEAD under `CaseKey::seal_text`, the document or version id as associated data), so the
//! database holds none of them in clear and erasing the case key (crypto-shredding) takes them
//! too. The services seal on the way in and open on the way out; users see no difference.
//!
//! Rows written before migration 0011 are sealed by [`seal_existing`], which the service runs at
//! every start-up before it listens (a no-op once nothing is left in clear).

use super::DocumentResult;
use crate::crypto::keys::CaseKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::crypto::purpose::SealPurpose;
use crate::domain::ids::{CaseId, DocumentId, VersionId};
use crate::store::document_sealing as store;
use crate::store::documents::StoredText;
use crate::store::{Db, case_keys};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

fn open(key: &CaseKey, purpose: SealPurpose, stored: &StoredText) -> DocumentResult<String> {
    match stored {
        StoredText::Sealed(sealed) => Ok(key.open_text(purpose, sealed)?),
        StoredText::Clear(text) => Ok(text.clone()),
    }
}

pub fn title(key: &CaseKey, id: DocumentId, stored: &StoredText) -> DocumentResult<String> {
    open(key, SealPurpose::DocumentTitle(id.uuid()), stored)
}

pub fn file_name(key: &CaseKey, id: VersionId, stored: &StoredText) -> DocumentResult<String> {
    open(key, SealPurpose::VersionFileName(id.uuid()), stored)
}

pub fn note(
    key: &CaseKey,
    id: VersionId,
    stored: Option<&StoredText>,
) -> DocumentResult<Option<String>> {
    stored
        .map(|stored| open(key, SealPurpose::VersionNote(id.uuid()), stored))
        .transpose()
}

pub fn seal_title(key: &CaseKey, id: DocumentId, title: &str) -> DocumentResult<Vec<u8>> {
    Ok(key.seal_text(SealPurpose::DocumentTitle(id.uuid()), title)?)
}

pub fn seal_file_name(key: &CaseKey, id: VersionId, name: &str) -> DocumentResult<Vec<u8>> {
    Ok(key.seal_text(SealPurpose::VersionFileName(id.uuid()), name)?)
}

pub fn seal_note(
    key: &CaseKey,
    id: VersionId,
    note: Option<&str>,
) -> DocumentResult<Option<Vec<u8>>> {
    note.map(|note| Ok(key.seal_text(SealPurpose::VersionNote(id.uuid()), note)?))
        .transpose()
}

/// How many rows the start-up step sealed, and how many of an erased case it blanked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SealedExisting {
    pub titles: usize,
    pub versions: usize,
    pub blanked: usize,
}

/// Seals every title, file name and note still in clear (rows from before migration 0011). A
/// case that was erased has no key any more: its clear texts are blanked, as erasure means.
pub async fn seal_existing(db: &Db, keys: &MasterKeyRing) -> DocumentResult<SealedExisting> {
    let mut done = SealedExisting::default();
    let mut case_keys: HashMap<CaseId, Option<CaseKey>> = HashMap::new();
    for row in store::clear_titles(db).await? {
        let sealed = match key_of(db, keys, &mut case_keys, row.case_id).await? {
            Some(key) => Some(seal_title(key, row.id, &row.title)?),
            None => None,
        };
        count(&mut done, sealed.is_some(), |d| &mut d.titles);
        store::seal_title(db, row.id, sealed).await?;
    }
    for row in store::clear_versions(db).await? {
        let sealed = match key_of(db, keys, &mut case_keys, row.case_id).await? {
            Some(key) => Some((
                seal_file_name(key, row.id, &row.file_name)?,
                seal_note(key, row.id, row.note.as_deref())?,
            )),
            None => None,
        };
        count(&mut done, sealed.is_some(), |d| &mut d.versions);
        let (file_name, note) = sealed.map_or((None, None), |(f, n)| (Some(f), n));
        store::seal_version(db, row.id, file_name, note).await?;
    }
    Ok(done)
}

fn count(done: &mut SealedExisting, sealed: bool, field: fn(&mut SealedExisting) -> &mut usize) {
    if sealed {
        *field(done) += 1;
    } else {
        done.blanked += 1;
    }
}

/// The case's key, unsealed once per case for the whole step; None when the case was erased.
async fn key_of<'k>(
    db: &Db,
    keys: &MasterKeyRing,
    cache: &'k mut HashMap<CaseId, Option<CaseKey>>,
    case: CaseId,
) -> DocumentResult<Option<&'k CaseKey>> {
    let key = match cache.entry(case) {
        Entry::Occupied(known) => known.into_mut(),
        Entry::Vacant(slot) => slot.insert(match case_keys::get(db, case).await? {
            Some(sealed) => Some(CaseKey::unwrap(keys, case.uuid(), &sealed)?),
            None => None,
        }),
    };
    Ok(key.as_ref())
}

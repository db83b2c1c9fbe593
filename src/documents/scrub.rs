//! The scrub (issue #13): every stored version decrypted and hashed, and compared with the size
//! and SHA-256 recorded at upload. Downloads trust the stream's authentication alone, so this is
//! where a wrong stored hash, a missing blob or a blob that no longer opens is found. A damaged
//! version is logged, counted (`vejviser_scrub_damaged_versions_total`) and recorded once in its
//! case's access log (`integrity_failure`, by the role operator), where the young person and the
//! coordinator see it. The plaintext never leaves memory; checking is not reading, so an intact
//! version leaves no access-log row.
//!
//! Run by the background job (`scrub_worker`) and by `vejviser documents verify`.

use super::download::{self, DownloadError, Expected};
use crate::audit::{self, Event};
use crate::blobs::{BlobError, BlobKey, BlobStore};
use crate::crypto::keys::CaseKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::ids::{CaseId, DocumentId, VersionId};
use crate::store::scrub::{self as store, StoredVersion};
use crate::store::{Db, StoreResult, audit as audit_store, case_keys};
use futures_util::TryStreamExt;
use ring::digest::{Context, SHA256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::time::Instant;

/// Versions read from the database at a time.
const BATCH: i64 = 100;

/// What checking needs: no App, so the command line can run it.
#[derive(Clone)]
pub struct Scrubber {
    pub db: Db,
    pub keys: Arc<MasterKeyRing>,
    pub blobs: BlobStore,
    /// Plaintext bytes a second at most; None checks as fast as it can.
    pub bytes_per_second: Option<u64>,
}

/// A version that does not add up, and why.
#[derive(Debug, Clone)]
pub struct Damage {
    pub version: VersionId,
    pub document: DocumentId,
    pub number: i64,
    pub case: CaseId,
    pub reason: String,
}

/// How a run of checks went.
#[derive(Debug, Default)]
pub struct Tally {
    /// Versions checked (intact or damaged).
    pub checked: u64,
    pub bytes: u64,
    pub damaged: Vec<Damage>,
    /// Versions of erased cases: their key is gone, so there is nothing left to check.
    pub erased: u64,
    /// The last version checked: the cursor moves on to it.
    pub last: Option<VersionId>,
    /// The blob store could not be reached (not the version's fault): the run stopped before
    /// the version it names, which is checked next time.
    pub unavailable: Option<String>,
}

enum Failure {
    Damaged(String),
    Unavailable(String),
}

impl Scrubber {
    /// Checks `versions` in order, until done or `budget` has passed; stops early (and says so
    /// in `unavailable`) when the blob store cannot be reached.
    pub async fn check(
        &self,
        versions: &[StoredVersion],
        budget: Option<Duration>,
        now: OffsetDateTime,
    ) -> StoreResult<Tally> {
        let started = Instant::now();
        let mut pace = Pace::new(self.bytes_per_second);
        let mut keys: HashMap<CaseId, Option<Result<CaseKey, String>>> = HashMap::new();
        let mut tally = Tally::default();
        for version in versions {
            if budget.is_some_and(|budget| started.elapsed() >= budget) {
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = keys.entry(version.case_id) {
                slot.insert(self.case_key(version.case_id).await?);
            }
            let outcome = match &keys[&version.case_id] {
                None => {
                    tally.erased += 1;
                    tally.last = Some(version.id);
                    continue;
                }
                Some(Err(reason)) => Err(Failure::Damaged(reason.clone())),
                Some(Ok(key)) => self.verify(version, key, &mut pace).await,
            };
            match outcome {
                Ok(bytes) => tally.bytes += bytes,
                Err(Failure::Damaged(reason)) => {
                    let damage = Damage {
                        version: version.id,
                        document: version.document_id,
                        number: version.version,
                        case: version.case_id,
                        reason,
                    };
                    record_damage(&self.db, version, &damage, now).await?;
                    tally.damaged.push(damage);
                }
                Err(Failure::Unavailable(reason)) => {
                    tally.unavailable = Some(reason);
                    break;
                }
            }
            tally.checked += 1;
            tally.last = Some(version.id);
            crate::metrics::scrub().versions_checked.inc();
        }
        Ok(tally)
    }

    /// Every version (of one case, with `case`) from the start, as fast as allowed: the
    /// operator's `vejviser documents verify`.
    pub async fn walk(&self, case: Option<CaseId>, now: OffsetDateTime) -> StoreResult<Tally> {
        let mut total = Tally::default();
        loop {
            let versions = store::versions_after(&self.db, total.last, case, BATCH).await?;
            if versions.is_empty() {
                return Ok(total);
            }
            let tally = self.check(&versions, None, now).await?;
            total.checked += tally.checked;
            total.bytes += tally.bytes;
            total.erased += tally.erased;
            total.damaged.extend(tally.damaged);
            total.last = tally.last.or(total.last);
            if tally.unavailable.is_some() {
                total.unavailable = tally.unavailable;
                return Ok(total);
            }
        }
    }

    /// The case's key; None for an erased case, an error text when it does not open (every
    /// version of the case is then reported: its documents cannot be read).
    async fn case_key(&self, case: CaseId) -> StoreResult<Option<Result<CaseKey, String>>> {
        Ok(case_keys::get(&self.db, case).await?.map(|sealed| {
            CaseKey::unwrap(&self.keys, case.uuid(), &sealed)
                .map_err(|e| format!("the case key does not open: {e}"))
        }))
    }

    /// Decrypts and hashes one version; its plaintext size when intact.
    async fn verify(
        &self,
        version: &StoredVersion,
        key: &CaseKey,
        pace: &mut Pace,
    ) -> Result<u64, Failure> {
        let damaged =
            |what: &str, e: &dyn std::fmt::Display| Failure::Damaged(format!("{what}: {e}"));
        let data_key = key
            .unwrap_data_key(version.id.uuid(), &version.wrapped_data_key)
            .map_err(|e| damaged("the data key does not open", &e))?;
        let blob_key = BlobKey::new(version.blob_key.clone())
            .map_err(|e| damaged("the stored blob key is not valid", &e))?;
        let reader = self.blobs.reader(&blob_key).await.map_err(blob_failure)?;
        let expected = Expected {
            version_id: version.id,
            size: u64::try_from(version.size).unwrap_or_default(),
        };
        let plaintext = download::plaintext(reader, &data_key, expected);
        futures_util::pin_mut!(plaintext);
        let mut hash = Context::new(&SHA256);
        let mut bytes = 0u64;
        loop {
            let piece = match plaintext.try_next().await {
                Ok(Some(piece)) => piece,
                Ok(None) => break,
                Err(DownloadError::Blob(e)) => return Err(blob_failure(e)),
                Err(DownloadError::Integrity(reason)) => return Err(Failure::Damaged(reason)),
            };
            // A piece is at most a few hundred KiB: hashing it takes a fraction of a
            // millisecond, short enough to run on the async worker between awaits.
            hash.update(&piece);
            bytes += piece.len() as u64;
            crate::metrics::scrub()
                .bytes_checked
                .inc_by(piece.len() as u64);
            pace.spend(piece.len() as u64).await;
        }
        let sha256 = hex::encode(hash.finish());
        if sha256 != version.sha256 {
            return Err(Failure::Damaged(format!(
                "the plaintext's SHA-256 is {sha256}, not the stored {}",
                version.sha256
            )));
        }
        Ok(bytes)
    }
}

/// A missing blob is damage; any other blob-store error is the store being away.
fn blob_failure(e: BlobError) -> Failure {
    match e {
        BlobError::NotFound => Failure::Damaged("the blob is missing".into()),
        other => Failure::Unavailable(other.to_string()),
    }
}

/// Logs and counts a damaged version every time it is found, and records it in the case's
/// access log the first time.
async fn record_damage(
    db: &Db,
    version: &StoredVersion,
    damage: &Damage,
    now: OffsetDateTime,
) -> StoreResult<()> {
    tracing::error!(
        case = %damage.case,
        document = %damage.document,
        version = damage.number,
        version_id = %damage.version,
        reason = damage.reason,
        "scrub: a stored version is damaged"
    );
    crate::metrics::scrub().damaged_versions.inc();
    let mut tx = db.begin().await?;
    audit_store::hold_chain(&mut tx, &version.municipality_id.to_string()).await?;
    let action = AuditAction::IntegrityFailure;
    let (case, document) = (damage.case.to_string(), damage.document.to_string());
    if audit_store::has_version_row(&mut tx, &case, &document, damage.number, action.as_str())
        .await?
    {
        return Ok(());
    }
    let event = Event {
        municipality: Some(version.municipality_id),
        case: Some(damage.case),
        role: Some(ActorRole::Operator),
        ..Event::new(action, now).document(damage.document, Some(damage.number))
    };
    audit::record(&mut tx, &event).await?;
    tx.commit().await
}

/// Holds a run to its rate: after each piece, sleeps until the bytes so far fit the time so far.
struct Pace {
    per_second: Option<u64>,
    started: Instant,
    bytes: u64,
}

impl Pace {
    fn new(per_second: Option<u64>) -> Self {
        Self {
            per_second: per_second.filter(|rate| *rate > 0),
            started: Instant::now(),
            bytes: 0,
        }
    }

    async fn spend(&mut self, bytes: u64) {
        let Some(rate) = self.per_second else {
            return;
        };
        self.bytes += bytes;
        let due = Duration::from_secs_f64(self.bytes as f64 / rate as f64);
        tokio::time::sleep_until(self.started + due).await;
    }
}

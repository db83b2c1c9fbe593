//! The orphan sweeper: blobs whose upload never became a version (the process died, the
//! connection dropped, a version was refused and its delete failed). Runs at start and then
//! periodically on every instance; an upload younger than the grace period is left alone, since
//! another instance may still be writing it.

use crate::blobs::{BlobKey, BlobStore};
use crate::clock::SharedClock;
use crate::store::Db;
use crate::store::documents as store;
use std::time::Duration;

/// Deletes abandoned blobs and forgets them; returns how many went.
pub async fn sweep(db: &Db, blobs: &BlobStore, clock: &SharedClock, grace: Duration) -> usize {
    let before = clock.now() - grace;
    let stale = match store::stale_pending_blobs(db, before).await {
        Ok(stale) => stale,
        Err(e) => {
            tracing::warn!(error = %e, "orphan sweep could not read pending blobs");
            return 0;
        }
    };
    let mut swept = 0;
    for key in stale {
        let deleted = match BlobKey::new(key.clone()) {
            Ok(blob) => blobs.delete(&blob).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match deleted {
            Ok(()) => {
                if store::remove_pending_blob(db, &key).await.is_ok() {
                    swept += 1;
                }
            }
            Err(e) => tracing::warn!(error = %e, "orphan blob not deleted; tried again next sweep"),
        }
    }
    if let Err(e) = blobs.sweep_incomplete(grace).await {
        tracing::warn!(error = %e, "temporary blob files not swept");
    }
    if swept > 0 {
        tracing::info!(swept, "orphan blobs deleted");
    }
    swept
}

//! Address retention (issue #11): a row's client address is kept `audit.address_retention_days`
//! and then blanked by the sweeper; the rest of the row, authentication events included, is kept
//! for good (nothing in the service deletes a row, and no setting can make it: DESIGN.md §7 asks
//! for at least 180 days). Blanking keeps the chain whole: the address is not in the hash.

use crate::clock::SharedClock;
use crate::store::Db;
use crate::store::audit as store;

/// Blanks the addresses of rows older than `days`; returns how many were blanked (0 when the
/// database could not be reached: the next sweep tries again).
pub async fn blank_old_addresses(db: &Db, clock: &SharedClock, days: u32) -> u64 {
    let before = clock.now() - time::Duration::days(i64::from(days));
    match store::blank_addresses(db, before).await {
        Ok(blanked) => {
            if blanked > 0 {
                tracing::info!(blanked, "access-log client addresses blanked");
            }
            blanked
        }
        Err(e) => {
            tracing::warn!(error = %e, "access-log addresses not blanked; tried again next sweep");
            0
        }
    }
}

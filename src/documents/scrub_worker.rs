//! The scrub as a background job, in every instance with `documents.scrub.enabled`: the one
//! holding the lease in `scrub_progress` checks the next versions after the shared cursor for
//! up to a minute, moves the cursor on, and goes again; the others wait. When no version is left
//! the pass ends, and the next starts `pass_interval_hours` later. An instance that stops lets
//! its lease go; one that dies loses it when it runs out, and another picks up at the cursor.

use super::scrub::{Scrubber, Tally};
use crate::app::App;
use crate::store::StoreResult;
use crate::store::scrub as store;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long one round checks before it moves the cursor and renews the lease.
const ROUND: Duration = Duration::from_secs(60);
/// A lease outlives a round (and the one version that may run past it) by far.
const LEASE: Duration = Duration::from_secs(300);
/// Versions a round asks for; at the default rate a round ends by time long before.
const BATCH: i64 = 200;

pub struct ScrubWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ScrubWorker {
    pub fn start(state: App) -> Self {
        let (stop, stopped) = watch::channel(false);
        let owner = format!("scrub-{}", uuid::Uuid::new_v4().simple());
        let task = tokio::spawn(run(state, owner, stopped));
        Self { stop, task }
    }

    /// Stops at once (the round in hand is checked again by whoever goes on) and lets the
    /// lease go.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(()) => tracing::info!("scrub stopped"),
            Err(e) => tracing::error!(error = %e, "scrub ended abnormally"),
        }
    }
}

/// What one round did.
#[derive(Debug)]
pub enum Round {
    /// Checked versions and moved the cursor on.
    Checked(Tally),
    /// No version was left: the pass is over.
    PassFinished { versions: i64, mismatches: i64 },
    /// The last pass ended less than `pass_interval_hours` ago.
    NotDue,
    /// Another instance holds the lease.
    Busy,
}

async fn run(state: App, owner: String, mut stopped: watch::Receiver<bool>) {
    let idle = Duration::from_secs(state.settings.documents.scrub.poll_interval_secs.max(1));
    let scrubber = scrubber_of(&state);
    while !*stopped.borrow() {
        let work = round(&state, &scrubber, &owner);
        let outcome = tokio::select! {
            outcome = work => outcome,
            _ = stopped.changed() => break,
        };
        let again = match outcome {
            Ok(Round::Checked(tally)) => tally.unavailable.is_none(),
            // Even with no interval between passes, an empty store is not walked in a loop.
            Ok(Round::PassFinished { .. } | Round::NotDue | Round::Busy) => false,
            Err(e) => {
                tracing::warn!(error = %e, "scrub: progress not read or written");
                false
            }
        };
        if !again {
            tokio::select! {
                _ = stopped.changed() => {}
                () = tokio::time::sleep(idle) => {}
            }
        }
    }
    if let Err(e) = store::release(&state.db, &owner).await {
        tracing::warn!(error = %e, "scrub: lease not released; it runs out");
    }
}

pub fn scrubber_of(state: &App) -> Scrubber {
    Scrubber {
        db: state.db.clone(),
        keys: state.keys.clone(),
        blobs: state.blobs.clone(),
        bytes_per_second: Some(state.settings.documents.scrub.bytes_per_second),
    }
}

/// One round for `owner` (tests call it to scrub at a moment of their choosing).
pub async fn round(state: &App, scrubber: &Scrubber, owner: &str) -> StoreResult<Round> {
    let now = state.clock.now();
    let progress = store::progress(&state.db).await?;
    let interval = time::Duration::hours(
        i64::try_from(state.settings.documents.scrub.pass_interval_hours).unwrap_or(i64::MAX),
    );
    let between_passes = progress.pass_started_at.is_none() && progress.cursor.is_none();
    if between_passes
        && progress
            .last_pass_finished_at
            .is_some_and(|at| now < at + interval)
    {
        return Ok(Round::NotDue);
    }
    if !store::take_lease(&state.db, owner, now, now + LEASE).await? {
        return Ok(Round::Busy);
    }
    // Read again under the lease: the previous holder may have moved the cursor meanwhile.
    let progress = store::progress(&state.db).await?;
    let versions = store::versions_after(&state.db, progress.cursor, None, BATCH).await?;
    if versions.is_empty() {
        store::finish_pass(&state.db, owner, state.clock.now()).await?;
        crate::metrics::scrub().passes_finished.inc();
        tracing::info!(
            versions = progress.versions_checked,
            damaged = progress.mismatches,
            "scrub: a pass over every version finished"
        );
        return Ok(Round::PassFinished {
            versions: progress.versions_checked,
            mismatches: progress.mismatches,
        });
    }
    let tally = scrubber.check(&versions, Some(ROUND), now).await?;
    if let Some(reason) = &tally.unavailable {
        tracing::warn!(
            reason,
            "scrub: the blob store is unavailable; trying again later"
        );
    }
    if let Some(last) = tally.last {
        let checked = i64::try_from(tally.checked).unwrap_or(i64::MAX);
        let damaged = i64::try_from(tally.damaged.len()).unwrap_or(i64::MAX);
        if !store::advance(&state.db, owner, last, checked, damaged, now).await? {
            tracing::warn!("scrub: lease lost mid-round; another instance goes on");
        }
    }
    Ok(Round::Checked(tally))
}

//! The delivery worker: runs inside the service beside the HTTP server, and in every instance
//! that has `mail.worker` on. Each round it claims a batch of due messages with a lease, tries
//! each once and records the outcome; when nothing is due it waits `mail.poll_interval_ms`.
//! A batch's cases are loaded once, and up to `mail.concurrency` of its messages are in flight.
//! Every `mail.sweep_interval_secs` it also writes the digests and reminders that are due
//! (`sweep`). Asked to stop, it finishes the batch in hand (at most `mail.batch_size`), and
//! says how it ended.

use super::deliver;
use super::transport::Mailer;
use crate::app::App;
use crate::store::outbox::{self, Claimed, Outcome};
use futures_util::{StreamExt, stream};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    pub fn start(state: App, mailer: Mailer) -> Self {
        let (stop, stopped) = watch::channel(false);
        let owner = format!("worker-{}", uuid::Uuid::new_v4().simple());
        let task = tokio::spawn(run(state, mailer, owner, stopped));
        Self { stop, task }
    }

    /// Stops after the batch in hand, and reports how the worker ended.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(()) => tracing::info!("mail worker stopped"),
            Err(e) => tracing::error!(error = %e, "mail worker ended abnormally"),
        }
    }
}

async fn run(state: App, mailer: Mailer, owner: String, mut stopped: watch::Receiver<bool>) {
    let idle = Duration::from_millis(state.settings.mail.poll_interval_ms.max(10));
    tracing::info!(
        mailer = %mailer.describe(&state.settings),
        "mail worker started"
    );
    let every = Duration::from_secs(state.settings.mail.sweep_interval_secs.max(1));
    let mut next_sweep = tokio::time::Instant::now();
    while !*stopped.borrow() {
        if tokio::time::Instant::now() >= next_sweep {
            next_sweep = tokio::time::Instant::now() + every;
            if let Err(e) = sweep(&state).await {
                tracing::warn!(error = %e, "mail worker: digests and reminders not written");
            }
        }
        let delivered = match deliver_due(&state, &mailer, &owner).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "mail worker: the outbox could not be read");
                0
            }
        };
        observe_pending(&state).await;
        if delivered == 0 {
            tokio::select! {
                _ = stopped.changed() => {}
                () = tokio::time::sleep(idle) => {}
            }
        }
    }
}

/// Claims one batch of due messages for `owner` and tries each once; the number claimed.
/// (The worker's round; tests call it to deliver at a moment of their choosing.)
pub async fn deliver_due(
    state: &App,
    mailer: &Mailer,
    owner: &str,
) -> Result<usize, crate::store::StoreError> {
    let settings = &state.settings.mail;
    let now = state.clock.now();
    let lease = Duration::from_secs(settings.lease_secs.max(1));
    let batch = outbox::claim(
        &state.db,
        owner,
        now,
        now + lease,
        i64::from(settings.batch_size.max(1)),
    )
    .await?;
    let cases = deliver::BatchCases::load(state, &batch).await?;
    let claimed = batch.len();
    // Up to `mail.concurrency` messages in flight: each waits mostly on the SMTP server (the
    // pool keeps its connections) and on its own outbox update.
    let mut attempts = stream::iter(batch)
        .map(|message: Claimed| {
            let cases = &cases;
            async move {
                let outcome = deliver::attempt(state, mailer, cases, &message).await;
                let marked =
                    outbox::finish(&state.db, message.id, owner, &outcome, state.clock.now()).await;
                (message, outcome, marked)
            }
        })
        .buffer_unordered(usize::try_from(settings.concurrency.max(1)).unwrap_or(1));
    // Every attempt in flight is seen to its end before an outbox error is passed on: one that
    // was sent but not marked is sent again when its lease runs out (at least once).
    let mut first_error = None;
    while let Some((message, outcome, marked)) = attempts.next().await {
        match marked {
            Ok(true) => report(state, &message, &outcome),
            Ok(false) => {
                tracing::warn!(message = %message.id, "mail worker: lease lost; another instance finishes it");
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(claimed), Err)
}

/// Counts and logs how one attempt ended.
fn report(state: &App, message: &Claimed, outcome: &Outcome) {
    let metrics = &state.metrics.mail;
    match outcome {
        Outcome::Sent => {
            metrics.sent.inc();
            tracing::info!(message = %message.id, event = %message.event, "mail sent");
        }
        Outcome::Dropped(why) => {
            metrics.dropped.inc();
            tracing::info!(message = %message.id, why, "mail dropped");
        }
        Outcome::Failed(why) => {
            metrics.failed.inc();
            tracing::warn!(message = %message.id, why, "mail failed");
        }
        Outcome::Retry { reason, .. } => {
            metrics.retried.inc();
            tracing::info!(message = %message.id, reason, "mail will be retried");
        }
        Outcome::Held => {
            tracing::info!(message = %message.id, "mail held for the daily digest");
        }
    }
}

/// Writes the digests and reminders due now (each once, whichever instance writes it).
pub async fn sweep(state: &App) -> Result<usize, crate::store::StoreError> {
    let now = state.clock.now();
    let digests = super::digest::sweep(state, now).await?;
    let reminders = super::reminders::sweep(state, now).await?;
    let alerts = super::outsider::sweep(state, now).await?;
    if digests + reminders + alerts > 0 {
        tracing::info!(
            digests,
            reminders,
            alerts,
            "mail worker: digests, reminders and alerts written"
        );
    }
    Ok(digests + reminders + alerts)
}

async fn observe_pending(state: &App) {
    if let Ok((count, oldest)) = outbox::pending(&state.db).await {
        let metrics = &state.metrics.mail;
        metrics.pending.set(count);
        metrics
            .oldest_pending_age_seconds
            .set(deliver::age(state.clock.now(), oldest));
    }
}

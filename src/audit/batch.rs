//! Reads' rows written together (group commit). Under load many requests wait for their row at
//! once, and one transaction each makes them queue for the chain head (and, on SQLite, for the
//! write lock). One writer task per instance takes whatever rows are waiting, appends them in
//! one transaction and answers each request when it has committed, so every read still has its
//! row committed before a byte is sent. A batch that fails is tried again row by row, so only
//! a row that cannot be written fails its own request.
//!
//! Written here rather than taken from a crate: it is a loop over a tokio channel around
//! `audit::record_many`, and what it must guarantee (commit before answer) is the access log's.

use super::context::{self, RequestContext};
use super::{Event, record_many};
use crate::store::{Db, StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// Rows in one transaction at most; more waiting go in the next.
const MAX_BATCH: usize = 256;

struct Waiting {
    event: Event,
    request: RequestContext,
    done: oneshot::Sender<StoreResult<()>>,
}

/// The handle the services use; the writer task stops when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Waiting>,
}

impl Batcher {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(db: Db) -> Self {
        let (queue, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(db, waiting));
        Self { queue }
    }

    /// Appends `event` (with the current request's id and address) and returns once it has
    /// committed, or with the error that kept it out.
    pub async fn record(&self, event: &Event) -> StoreResult<()> {
        let (done, answer) = oneshot::channel();
        let waiting = Waiting {
            event: event.clone(),
            request: context::current(),
            done,
        };
        self.queue.send(waiting).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Database(sqlx::Error::WorkerCrashed)
}

async fn write_batches(db: Db, mut waiting: mpsc::Receiver<Waiting>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match write_together(&db, &batch).await {
            Ok(()) => {
                for row in batch.drain(..) {
                    let _ = row.done.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, rows = batch.len(), "an audit batch failed; writing its rows one by one");
                for row in batch.drain(..) {
                    let alone = write_together(&db, std::slice::from_ref(&row)).await;
                    let _ = row.done.send(alone);
                }
            }
        }
    }
}

async fn write_together(db: &Db, rows: &[Waiting]) -> StoreResult<()> {
    let events: Vec<_> = rows.iter().map(|r| (&r.event, &r.request)).collect();
    let mut tx = db.begin().await?;
    record_many(&mut tx, &events).await?;
    tx.commit().await
}

//! A version's bytes streamed back: blob pieces are decrypted as they arrive (only authenticated
//! chunks come out), hashed, and checked against the stored size and SHA-256 at the end. Any
//! failure ends the stream with an error, which aborts the HTTP response mid-body, so a client
//! never takes a cut or altered file for a whole one; integrity failures are logged as such.

use super::upload::hex;
use crate::blobs::BlobReader;
use crate::crypto::stream::{DataKey, Decryptor};
use crate::domain::ids::VersionId;
use bytes::Bytes;
use futures_util::Stream;
use ring::digest::{Context, SHA256};
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("blob store: {0}")]
    Blob(#[from] crate::blobs::BlobError),
    #[error("integrity: {0}")]
    Integrity(String),
}

/// What the bytes must add up to.
pub struct Expected {
    pub version_id: VersionId,
    pub size: u64,
    pub sha256: String,
}

/// Pieces read ahead of decryption, and decrypted pieces waiting to be hashed. Bounded, so a
/// download holds a few hundred KiB whatever the file's size.
const READ_AHEAD: usize = 4;
const HASH_QUEUE: usize = 8;

/// A piece of the blob, or the end of it (so a reader that stops early is not taken for the end).
type Piece = Result<Option<Bytes>, DownloadError>;

struct State {
    pieces: mpsc::Receiver<Piece>,
    decryptor: Option<Decryptor>,
    hasher: Option<Hasher>,
    seen: u64,
    expected: Expected,
}

/// The plaintext of a blob as a stream of pieces, ending in an error on any mismatch.
///
/// Three steps overlap: the blob is read ahead on a task of its own, decrypted here, and hashed
/// on a thread of its own (SHA-256 is the slowest step; on one core it caps a download near
/// 2 GB/s). The last piece is released only once the size and the hash are checked.
pub fn plaintext(
    reader: BlobReader,
    key: &DataKey,
    expected: Expected,
) -> impl Stream<Item = Result<Bytes, DownloadError>> + use<> {
    let state = State {
        pieces: read_ahead(reader),
        decryptor: Some(Decryptor::new(key, expected.version_id.uuid())),
        hasher: Some(Hasher::start()),
        seen: 0,
        expected,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        loop {
            let Some(decryptor) = state.decryptor.as_mut() else {
                return Ok(None);
            };
            let piece = state.pieces.recv().await.unwrap_or_else(|| {
                Err(DownloadError::Integrity(
                    "the blob reader stopped early".into(),
                ))
            })?;
            let mut out = Vec::with_capacity(piece.as_ref().map_or(0, Bytes::len));
            match piece {
                Some(sealed) => decryptor
                    .update(&sealed, &mut out)
                    .map_err(|e| integrity_failure(&state.expected, e.to_string()))?,
                None => {
                    let decryptor = state.decryptor.take().expect("checked above");
                    decryptor
                        .finish(&mut out)
                        .map_err(|e| integrity_failure(&state.expected, e.to_string()))?;
                }
            }
            let out = Bytes::from(out);
            state.seen += out.len() as u64;
            let hasher = state
                .hasher
                .as_mut()
                .expect("lives as long as the decryptor");
            hasher.add(out.clone()).await?;
            if state.decryptor.is_none() {
                check_totals(&mut state).await?;
            }
            if !out.is_empty() {
                return Ok(Some((out, state)));
            }
        }
    })
}

/// Reads the blob on a task of its own, up to `READ_AHEAD` pieces ahead; stops when the download
/// is dropped.
fn read_ahead(mut reader: BlobReader) -> mpsc::Receiver<Piece> {
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    tokio::spawn(async move {
        loop {
            let piece = reader.next_chunk().await.map_err(DownloadError::from);
            let more = matches!(piece, Ok(Some(_)));
            if tx.send(piece).await.is_err() || !more {
                return;
            }
        }
    });
    rx
}

/// SHA-256 over the plaintext on a blocking-pool thread, fed through a bounded queue.
struct Hasher {
    queue: mpsc::Sender<Bytes>,
    done: tokio::task::JoinHandle<String>,
}

impl Hasher {
    fn start() -> Self {
        let (queue, mut pieces) = mpsc::channel::<Bytes>(HASH_QUEUE);
        let done = tokio::task::spawn_blocking(move || {
            let mut hash = Context::new(&SHA256);
            while let Some(piece) = pieces.blocking_recv() {
                hash.update(&piece);
            }
            hex(hash.finish().as_ref())
        });
        Self { queue, done }
    }

    async fn add(&mut self, piece: Bytes) -> Result<(), DownloadError> {
        if piece.is_empty() {
            return Ok(());
        }
        self.queue
            .send(piece)
            .await
            .map_err(|_| DownloadError::Integrity("the hashing thread stopped".into()))
    }

    async fn finish(self) -> Result<String, DownloadError> {
        drop(self.queue);
        self.done
            .await
            .map_err(|e| DownloadError::Integrity(format!("the hashing thread failed: {e}")))
    }
}

async fn check_totals(state: &mut State) -> Result<(), DownloadError> {
    let hasher = state.hasher.take().expect("finished once");
    let sha256 = hasher.finish().await?;
    if state.seen != state.expected.size || sha256 != state.expected.sha256 {
        return Err(integrity_failure(
            &state.expected,
            format!(
                "size {} / SHA-256 {sha256} differ from the stored ones",
                state.seen
            ),
        ));
    }
    Ok(())
}

fn integrity_failure(expected: &Expected, reason: String) -> DownloadError {
    tracing::error!(
        version = %expected.version_id,
        reason,
        "integrity failure: a stored blob does not decrypt to what was uploaded"
    );
    DownloadError::Integrity(reason)
}

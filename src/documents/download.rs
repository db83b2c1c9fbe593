//! A version's bytes streamed back: blob pieces are decrypted as they arrive (only authenticated
//! chunks come out), hashed, and checked against the stored size and SHA-256 at the end. Any
//! failure ends the stream with an error, which aborts the HTTP response mid-body, so a client
//! never takes a cut or altered file for a whole one; integrity failures are logged as such.

use crate::blobs::BlobReader;
use crate::crypto::stream::{DataKey, Decryptor};
use crate::domain::ids::VersionId;
use bytes::{Bytes, BytesMut};
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

/// Pieces read ahead of decryption (of up to 256 KiB each). With the piece being hashed and the
/// piece held back, a download holds about 1.5 MiB whatever the file's size.
const READ_AHEAD: usize = 4;
const PIECE_LEN: usize = 256 * 1024;

/// A piece of the blob, or the end of it (so a reader that stops early is not taken for the end).
type Piece = Result<Option<Bytes>, DownloadError>;

struct State {
    pieces: mpsc::Receiver<Piece>,
    decryptor: Option<Decryptor>,
    hasher: Option<Hasher>,
    /// The newest plaintext piece, sent only once the next one is in (or the end is checked), so
    /// the body can never reach its Content-Length before a surplus or a mismatch is seen.
    held: Option<Bytes>,
    seen: u64,
    expected: Expected,
}

/// The plaintext of a blob as a stream of pieces, ending in an error on any mismatch.
///
/// Three steps overlap: the blob is read ahead on a task of its own, decrypted here, and each
/// piece hashed on the blocking pool while the next one is decrypted (SHA-256 is the slowest
/// step; on one core it caps a download near 2 GB/s). No thread waits on a slow client: a hashing
/// job lives only as long as its piece. One piece is held back, and the last one is released only
/// once the size and the hash are checked.
pub fn plaintext(
    reader: BlobReader,
    key: &DataKey,
    expected: Expected,
) -> impl Stream<Item = Result<Bytes, DownloadError>> + use<> {
    let state = State {
        pieces: read_ahead(reader),
        decryptor: Some(Decryptor::new(key, expected.version_id.uuid())),
        hasher: Some(Hasher::default()),
        held: None,
        seen: 0,
        expected,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        while state.decryptor.is_some() {
            let out = next_plaintext(&mut state).await?;
            if state.decryptor.is_none() {
                check_totals(&mut state).await?;
            }
            if out.is_empty() {
                continue;
            }
            if let Some(previous) = state.held.replace(out) {
                return Ok(Some((previous, state)));
            }
        }
        // Checked: what is held back is the last piece.
        Ok(state.held.take().map(|last| (last, state)))
    })
}

/// Decrypts the next piece (the final one when the blob ends), counts and hashes it, and refuses
/// it at once if it goes past the stored size.
async fn next_plaintext(state: &mut State) -> Result<Bytes, DownloadError> {
    let piece = state.pieces.recv().await.unwrap_or_else(|| {
        Err(DownloadError::Integrity(
            "the blob reader stopped early".into(),
        ))
    })?;
    let mut out = Vec::with_capacity(piece.as_ref().map_or(0, Bytes::len));
    let decryptor = state.decryptor.as_mut().expect("called while decrypting");
    let opened = match piece {
        Some(sealed) => decryptor.update(&sealed, &mut out),
        None => state
            .decryptor
            .take()
            .expect("called while decrypting")
            .finish(&mut out),
    };
    opened.map_err(|e| integrity_failure(&state.expected, e.to_string()))?;
    state.seen += out.len() as u64;
    if state.seen > state.expected.size {
        return Err(integrity_failure(
            &state.expected,
            format!("more than the stored {} bytes", state.expected.size),
        ));
    }
    let out = Bytes::from(out);
    let hasher = state
        .hasher
        .as_mut()
        .expect("lives as long as the decryptor");
    hasher.add(out.clone()).await?;
    Ok(out)
}

/// Reads the blob on a task of its own, up to `READ_AHEAD` pieces ahead; stops when the download
/// is dropped. Small pieces (an S3 body arrives in a socket's worth at a time) are gathered to at
/// least `PIECE_LEN`, so each later step runs a few thousand times per GiB, not a hundred thousand.
fn read_ahead(mut reader: BlobReader) -> mpsc::Receiver<Piece> {
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    tokio::spawn(async move {
        let mut gathered = BytesMut::new();
        loop {
            let piece = match reader.next_chunk().await {
                Ok(Some(piece)) if gathered.is_empty() && piece.len() >= PIECE_LEN => Some(piece),
                Ok(Some(piece)) => {
                    gathered.extend_from_slice(&piece);
                    if gathered.len() < PIECE_LEN {
                        continue;
                    }
                    Some(gathered.split().freeze())
                }
                Ok(None) => {
                    if !gathered.is_empty()
                        && tx.send(Ok(Some(gathered.split().freeze()))).await.is_err()
                    {
                        return;
                    }
                    None
                }
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            };
            let more = piece.is_some();
            if tx.send(Ok(piece)).await.is_err() || !more {
                return;
            }
        }
    });
    rx
}

/// SHA-256 over the plaintext, one piece at a time on the blocking pool: the hash of a piece runs
/// while the next is read and decrypted, and the job ends with its piece.
#[derive(Default)]
struct Hasher {
    /// The job hashing the latest piece; none before the first piece.
    running: Option<tokio::task::JoinHandle<Context>>,
}

impl Hasher {
    /// The hash so far, once the running job is done.
    async fn wait(&mut self) -> Result<Context, DownloadError> {
        match self.running.take() {
            Some(job) => job
                .await
                .map_err(|e| DownloadError::Integrity(format!("hashing failed: {e}"))),
            None => Ok(Context::new(&SHA256)),
        }
    }

    async fn add(&mut self, piece: Bytes) -> Result<(), DownloadError> {
        if piece.is_empty() {
            return Ok(());
        }
        let mut hash = self.wait().await?;
        self.running = Some(tokio::task::spawn_blocking(move || {
            hash.update(&piece);
            hash
        }));
        Ok(())
    }

    async fn finish(mut self) -> Result<String, DownloadError> {
        Ok(hex::encode(self.wait().await?.finish()))
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

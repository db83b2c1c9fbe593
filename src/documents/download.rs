//! A version's bytes streamed back: blob pieces are decrypted as they arrive (only authenticated
//! chunks come out) and counted against the stored size. Any failure ends the stream with an
//! error, which aborts the HTTP response mid-body, so a client never takes a cut or altered file
//! for a whole one; integrity failures are logged as such.
//!
//! No hash is computed here (issue #13): every chunk is authenticated by AES-256-GCM under the
//! version's own key, its nonce carries the chunk counter and the last-chunk flag, and the
//! associated data binds the blob to its version, so truncation, reordering, splicing and any
//! flipped bit already fail. The stored SHA-256 is checked by the scrub (`scrub.rs`).

use crate::blobs::BlobReader;
use crate::crypto::stream::{DataKey, Decryptor};
use crate::domain::ids::VersionId;
use bytes::{Bytes, BytesMut};
use futures_util::Stream;
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
}

/// Pieces read ahead of decryption (512 KiB each from the local store, S3's gathered to at least
/// 256 KiB): a download holds about 2.5 MiB whatever the file's size.
const READ_AHEAD: usize = 3;
const PIECE_LEN: usize = 256 * 1024;

/// A piece of the blob, or the end of it (so a reader that stops early is not taken for the end).
type Piece = Result<Option<Bytes>, DownloadError>;

struct State {
    pieces: mpsc::Receiver<Piece>,
    decryptor: Option<Decryptor>,
    /// The piece that reached the stored size before the blob's end was seen: sent only once
    /// the end is authenticated, so a surplus can never hide behind a body of exactly the
    /// Content-Length.
    held: Option<Bytes>,
    seen: u64,
    expected: Expected,
}

/// The plaintext of a blob as a stream of pieces, ending in an error on any mismatch.
///
/// The blob is read ahead on a task of its own and decrypted here as the client takes it. A
/// piece goes out as soon as it is decrypted, unless it reaches the stored size: that one waits
/// for the authenticated end. A blob that ends short of the stored size ends the stream with an
/// error, so the body falls short of its Content-Length.
pub fn plaintext(
    reader: BlobReader,
    key: &DataKey,
    expected: Expected,
) -> impl Stream<Item = Result<Bytes, DownloadError>> + use<> {
    let state = State {
        pieces: read_ahead(reader),
        decryptor: Some(Decryptor::new(key, expected.version_id.uuid())),
        held: None,
        seen: 0,
        expected,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        while state.decryptor.is_some() {
            let out = next_plaintext(&mut state).await?;
            if state.decryptor.is_none() && state.seen != state.expected.size {
                return Err(integrity_failure(
                    &state.expected,
                    format!("the blob ends after {} bytes", state.seen),
                ));
            }
            if out.is_empty() {
                continue;
            }
            if state.seen < state.expected.size {
                return Ok(Some((out, state)));
            }
            state.held = Some(out);
        }
        // The end is authenticated and the size matches: what is held back is the last piece.
        Ok(state.held.take().map(|last| (last, state)))
    })
}

/// Decrypts the next piece (the final one when the blob ends), counts it, and refuses it at
/// once if it goes past the stored size.
async fn next_plaintext(state: &mut State) -> Result<Bytes, DownloadError> {
    let piece = state.pieces.recv().await.unwrap_or_else(|| {
        Err(DownloadError::Integrity(
            "the blob reader stopped early".into(),
        ))
    })?;
    let mut out = Vec::with_capacity(piece.as_ref().map_or(0, Bytes::len));
    let opened = match piece {
        Some(sealed) => state
            .decryptor
            .as_mut()
            .expect("called while decrypting")
            .update(&sealed, &mut out),
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
    Ok(Bytes::from(out))
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

fn integrity_failure(expected: &Expected, reason: String) -> DownloadError {
    tracing::error!(
        version = %expected.version_id,
        reason,
        "integrity failure: a stored blob does not decrypt to what was uploaded"
    );
    DownloadError::Integrity(reason)
}

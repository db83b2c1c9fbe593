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

struct State {
    reader: BlobReader,
    decryptor: Option<Decryptor>,
    hash: Option<Context>,
    seen: u64,
    expected: Expected,
}

/// The plaintext of a blob as a stream of pieces, ending in an error on any mismatch.
pub fn plaintext(
    reader: BlobReader,
    key: &DataKey,
    expected: Expected,
) -> impl Stream<Item = Result<Bytes, DownloadError>> + use<> {
    let state = State {
        reader,
        decryptor: Some(Decryptor::new(key, expected.version_id.uuid())),
        hash: Some(Context::new(&SHA256)),
        seen: 0,
        expected,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        loop {
            let Some(decryptor) = state.decryptor.as_mut() else {
                return Ok(None);
            };
            let mut out = Vec::new();
            match state.reader.next_chunk().await? {
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
            state.seen += out.len() as u64;
            let hash = state
                .hash
                .as_mut()
                .expect("hash lives as long as the decryptor");
            hash.update(&out);
            if state.decryptor.is_none() {
                check_totals(&mut state)?;
            }
            if !out.is_empty() {
                return Ok(Some((Bytes::from(out), state)));
            }
        }
    })
}

fn check_totals(state: &mut State) -> Result<(), DownloadError> {
    let hash = state.hash.take().expect("finished once");
    let sha256 = hex(hash.finish().as_ref());
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

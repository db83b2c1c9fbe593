//! The stream format's tests, by theme: `roundtrip` (every size, cut into any pieces, comes back
//! byte for byte, in its one canonical encoding), `properties` (the same over random lengths and
//! cuts), `tampering` (truncated, reordered, spliced, flipped or extended blobs and wrong keys are
//! refused, releasing nothing unauthenticated), `keys_and_nonces` (no keystream twice, a counter
//! that errors instead of wrapping, keys kept out of debug output). The helpers below are theirs.

mod keys_and_nonces;
mod properties;
mod roundtrip;
mod tampering;

use super::{Chunks, DataKey, Decryptor, Encryptor, HEADER_LEN, SEALED_CHUNK_LEN, StreamError};
use std::ops::Range;
use uuid::Uuid;

pub(super) const C: usize = super::CHUNK_SIZE;
pub(super) const WHOLE: usize = usize::MAX;

/// Bytes that differ from chunk to chunk, so a moved chunk never decrypts to the same text.
pub(super) fn plaintext(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ len as u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

pub(super) fn encrypt(key: &DataKey, id: Uuid, plaintext: &[u8], piece: usize) -> Vec<u8> {
    let mut encryptor = Encryptor::new(key, id);
    let mut out = Vec::new();
    for piece in plaintext.chunks(piece) {
        encryptor.update(piece, &mut out).unwrap();
    }
    encryptor.finish(&mut out).unwrap();
    out
}

/// What the decryptor released, and how it ended.
pub(super) fn decrypt(
    key: &DataKey,
    id: Uuid,
    blob: &[u8],
    piece: usize,
) -> (Vec<u8>, Result<(), StreamError>) {
    let mut decryptor = Decryptor::new(key, id);
    let mut out = Vec::new();
    for piece in blob.chunks(piece) {
        if let Err(e) = decryptor.update(piece, &mut out) {
            return (out, Err(e));
        }
    }
    let result = decryptor.finish(&mut out);
    (out, result)
}

/// Decrypts in several piece sizes, which must agree; returns the error and the plaintext
/// released before it.
pub(super) fn refusal(key: &DataKey, id: Uuid, blob: &[u8]) -> (StreamError, Vec<u8>) {
    let (out, result) = decrypt(key, id, blob, WHOLE);
    let error = result.expect_err("the blob must be refused");
    for piece in [1, 7, 65_537] {
        let (other_out, other) = decrypt(key, id, blob, piece);
        assert_eq!(other, Err(error.clone()), "piece size {piece}");
        assert!(
            other_out == out,
            "piece size {piece} released other plaintext"
        );
    }
    (error, out)
}

/// The sealed chunk `k` of a blob.
pub(super) fn chunk(blob: &[u8], k: usize) -> Range<usize> {
    let start = HEADER_LEN + k * SEALED_CHUNK_LEN;
    start..(start + SEALED_CHUNK_LEN).min(blob.len())
}

pub(super) fn header_of(blob: &[u8]) -> [u8; HEADER_LEN] {
    blob[..HEADER_LEN].try_into().unwrap()
}

/// Seals `chunks` one by one under `header`, the last with the final flag.
pub(super) fn seal_chunks(key: &DataKey, header: [u8; HEADER_LEN], chunks: &[&[u8]]) -> Vec<u8> {
    let mut sealer = Chunks::new(key.expose(), header);
    let mut out = header.to_vec();
    for (i, chunk) in chunks.iter().enumerate() {
        sealer.seal(chunk, i + 1 == chunks.len(), &mut out).unwrap();
    }
    out
}

/// The one valid encoding of `plaintext` under `header`.
pub(super) fn canonical(key: &DataKey, header: [u8; HEADER_LEN], plaintext: &[u8]) -> Vec<u8> {
    let chunks: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[]]
    } else {
        plaintext.chunks(C).collect()
    };
    seal_chunks(key, header, &chunks)
}

//! Refusals: a blob cut, reordered, spliced, extended, flipped or opened with the wrong key fails
//! with its typed error, in any piece size, releasing only the chunks authenticated before.

use super::{C, WHOLE, chunk, encrypt, header_of, plaintext, refusal, seal_chunks};
use crate::crypto::stream::{
    CHUNK_SIZE_AT, Chunks, DataKey, Decryptor, HEADER_LEN, SALT_AT, SEALED_CHUNK_LEN, StreamError,
    TAG_LEN, VERSION_AT, VERSION_ID_AT, field,
};
use uuid::Uuid;

/// A key, a version id, a plaintext and its blob.
struct Fixture {
    key: DataKey,
    id: Uuid,
    plaintext: Vec<u8>,
    blob: Vec<u8>,
}

fn fixture(len: usize) -> Fixture {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    let plaintext = plaintext(len);
    let blob = encrypt(&key, id, &plaintext, WHOLE);
    Fixture {
        key,
        id,
        plaintext,
        blob,
    }
}

impl Fixture {
    fn refusal(&self, blob: &[u8]) -> (StreamError, Vec<u8>) {
        refusal(&self.key, self.id, blob)
    }

    /// Asserts the error, and that exactly the first `chunks` chunks' plaintext came out.
    fn assert_refused(&self, blob: &[u8], error: StreamError, chunks: usize, what: &str) {
        let (found, out) = self.refusal(blob);
        assert_eq!(found, error, "{what}");
        assert!(
            out == self.plaintext[..chunks * C],
            "{what}: released {} bytes",
            out.len()
        );
    }
}

#[test]
fn truncation_anywhere_is_refused() {
    for len in [3 * C + 7, 3 * C] {
        let f = fixture(len);
        let chunks = len.div_ceil(C);
        for cut in 0..=HEADER_LEN {
            f.assert_refused(
                &f.blob[..cut],
                StreamError::Truncated,
                0,
                "cut in the header",
            );
        }
        for k in 1..chunks {
            let end = chunk(&f.blob, k).start;
            // The last chunk left is whole but not final: held back, so none of it comes out.
            f.assert_refused(
                &f.blob[..end],
                StreamError::Truncated,
                k - 1,
                "cut at a boundary",
            );
            let within = |into: &usize| end + into < f.blob.len();
            for into in [1, TAG_LEN - 1].into_iter().filter(within) {
                let what = "cut within a tag's length of a boundary";
                f.assert_refused(&f.blob[..end + into], StreamError::Truncated, k, what);
            }
            let mid = [TAG_LEN, TAG_LEN + 1, C / 2, SEALED_CHUNK_LEN - 1];
            for into in mid.into_iter().filter(within) {
                f.assert_refused(
                    &f.blob[..end + into],
                    StreamError::Tampered,
                    k,
                    "cut mid-chunk",
                );
            }
        }
        let last = chunk(&f.blob, chunks - 1);
        for cut in [last.start + TAG_LEN, last.end - 1] {
            f.assert_refused(
                &f.blob[..cut],
                StreamError::Tampered,
                chunks - 1,
                "cut final chunk",
            );
        }
    }
}

#[test]
fn dropped_swapped_and_duplicated_chunks_are_refused() {
    let f = fixture(3 * C + 7);
    let [c0, c1, c2, c3] = [0, 1, 2, 3].map(|k| &f.blob[chunk(&f.blob, k)]);
    let header = &f.blob[..HEADER_LEN];
    let with = |chunks: &[&[u8]]| [&[header][..], chunks].concat().concat();

    f.assert_refused(
        &with(&[c0, c1, c2]),
        StreamError::Truncated,
        2,
        "final chunk dropped",
    );
    f.assert_refused(
        &with(&[c0, c2, c3]),
        StreamError::Tampered,
        1,
        "middle chunk dropped",
    );
    f.assert_refused(
        &with(&[c1, c0, c2, c3]),
        StreamError::Tampered,
        0,
        "first chunks swapped",
    );
    f.assert_refused(
        &with(&[c0, c2, c1, c3]),
        StreamError::Tampered,
        1,
        "middle swapped",
    );
    f.assert_refused(
        &with(&[c0, c1, c3, c2]),
        StreamError::Tampered,
        2,
        "final swapped",
    );
    f.assert_refused(
        &with(&[c0, c0, c1, c2, c3]),
        StreamError::Tampered,
        1,
        "duplicated",
    );
    f.assert_refused(
        &with(&[c0, c1, c2, c2, c3]),
        StreamError::Tampered,
        3,
        "duplicated",
    );
    f.assert_refused(
        &with(&[c0, c1, c2, c3, c3]),
        StreamError::Tampered,
        3,
        "final twice",
    );
}

#[test]
fn data_after_the_final_chunk_is_refused() {
    // A full final chunk followed by anything still opens as final: that is trailing data.
    let full = fixture(3 * C);
    let first = &full.blob[chunk(&full.blob, 0)];
    for extra in [&[0u8][..], first, &full.blob[HEADER_LEN..]] {
        let blob = [&full.blob[..], extra].concat();
        full.assert_refused(
            &blob,
            StreamError::TrailingData,
            2,
            "after a full final chunk",
        );
    }
    // After a short final chunk, the extra bytes join it and break its tag.
    let short = fixture(3 * C + 7);
    let first = &short.blob[chunk(&short.blob, 0)];
    for extra in [&[0u8][..], first] {
        let blob = [&short.blob[..], extra].concat();
        short.assert_refused(&blob, StreamError::Tampered, 3, "after a short final chunk");
    }
    let empty = fixture(0);
    let blob = [&empty.blob[..], &[0]].concat();
    empty.assert_refused(
        &blob,
        StreamError::Tampered,
        0,
        "after an empty plaintext's tag",
    );
}

#[test]
fn every_header_bit_is_checked() {
    let f = fixture(C + 1);
    for at in 0..HEADER_LEN {
        for bit in 0..8 {
            let mut blob = f.blob.clone();
            blob[at] ^= 1 << bit;
            let header = header_of(&blob);
            let expected = match at {
                0..VERSION_AT => StreamError::BadMagic,
                VERSION_AT => StreamError::UnsupportedVersion(blob[at]),
                CHUNK_SIZE_AT..VERSION_ID_AT => {
                    StreamError::BadChunkSize(u32::from_be_bytes(field(&header, CHUNK_SIZE_AT)))
                }
                VERSION_ID_AT..SALT_AT => StreamError::WrongVersionId {
                    expected: f.id,
                    found: Uuid::from_bytes(field(&header, VERSION_ID_AT)),
                },
                _ => StreamError::Tampered,
            };
            f.assert_refused(&blob, expected, 0, &format!("header byte {at} bit {bit}"));
        }
    }
}

#[test]
fn a_flipped_bit_in_any_chunk_or_tag_is_refused() {
    let f = fixture(3 * C + 7);
    for k in 0..4 {
        let range = chunk(&f.blob, k);
        let tag_start = range.end - TAG_LEN;
        for at in [
            range.start,
            range.start + 3,
            tag_start - 1,
            tag_start,
            range.end - 1,
        ] {
            let mut blob = f.blob.clone();
            blob[at] ^= 0x10;
            f.assert_refused(
                &blob,
                StreamError::Tampered,
                k,
                &format!("chunk {k} byte {at}"),
            );
        }
    }
}

#[test]
fn a_blob_of_another_version_fails_on_its_header() {
    let f = fixture(C + 1);
    let other = Uuid::new_v4();
    let mut decryptor = Decryptor::new(&f.key, other);
    let mut out = Vec::new();
    let expected = StreamError::WrongVersionId {
        expected: other,
        found: f.id,
    };
    assert_eq!(
        decryptor.update(&f.blob[..HEADER_LEN], &mut out),
        Err(expected.clone())
    );
    assert_eq!(refusal(&f.key, other, &f.blob), (expected, vec![]));
}

#[test]
fn chunks_cannot_be_spliced_between_blobs() {
    let a = fixture(3 * C + 7);
    let splice = |into: &[u8], from: &[u8], k: usize| {
        let mut blob = into.to_vec();
        let range = chunk(into, k);
        blob[range.clone()].copy_from_slice(&from[range]);
        blob
    };
    // Same key, another version id.
    let other_version = encrypt(&a.key, Uuid::new_v4(), &plaintext(3 * C + 7), WHOLE);
    // Same key and version id: other content, and even the same content encrypted again.
    let same_version = encrypt(&a.key, a.id, &plaintext(3 * C + 8), WHOLE);
    let again = encrypt(&a.key, a.id, &a.plaintext, WHOLE);
    for from in [&other_version, &same_version, &again] {
        for k in 0..3 {
            let blob = splice(&a.blob, from, k);
            a.assert_refused(
                &blob,
                StreamError::Tampered,
                k,
                &format!("chunk {k} spliced"),
            );
        }
        // Another blob's header names its version, or changes the salt and so the key.
        let found = Uuid::from_bytes(field(&header_of(from), VERSION_ID_AT));
        let expected = match found == a.id {
            true => StreamError::Tampered,
            false => StreamError::WrongVersionId {
                expected: a.id,
                found,
            },
        };
        let blob = [&from[..HEADER_LEN], &a.blob[HEADER_LEN..]].concat();
        a.assert_refused(&blob, expected, 0, "header swapped");
    }
}

#[test]
fn chunks_are_bound_to_the_whole_header_not_only_its_salt() {
    let f = fixture(10);
    let mut header = header_of(&f.blob);
    header[VERSION_ID_AT] ^= 1;
    let mut opener = Chunks::new(f.key.expose(), header);
    let mut out = Vec::new();
    let sealed = &f.blob[HEADER_LEN..];
    assert_eq!(
        opener.open(sealed, true, &mut out),
        Err(StreamError::Tampered)
    );
    assert!(out.is_empty());
}

#[test]
fn a_wrong_key_opens_nothing() {
    for len in [0, 5, C, 3 * C + 7] {
        let f = fixture(len);
        let wrong = DataKey::generate().unwrap();
        assert_eq!(
            refusal(&wrong, f.id, &f.blob),
            (StreamError::Tampered, vec![])
        );
    }
}

#[test]
fn the_non_canonical_ending_is_refused() {
    let f = fixture(C);
    let header = header_of(&f.blob);
    // An empty final chunk after a full one, sealed with the right key.
    let blob = seal_chunks(&f.key, header, &[&f.plaintext, &[]]);
    f.assert_refused(
        &blob,
        StreamError::NonCanonical,
        1,
        "empty final chunk after data",
    );
    // No chunk at all, rather than one empty final chunk.
    f.assert_refused(
        &blob[..HEADER_LEN],
        StreamError::Truncated,
        0,
        "header only",
    );
    // A short chunk that is not final: what follows it can never open.
    let blob = seal_chunks(&f.key, header, &[&f.plaintext[..10], &f.plaintext[10..]]);
    f.assert_refused(&blob, StreamError::Tampered, 0, "short non-final chunk");
}

#[test]
fn a_failed_decryptor_stays_failed() {
    let f = fixture(2 * C + 3);
    let mut blob = f.blob.clone();
    let second = chunk(&blob, 1).start;
    blob[second] ^= 1;
    let mut decryptor = Decryptor::new(&f.key, f.id);
    let mut out = Vec::new();
    let cut = chunk(&blob, 2).start + 1;
    assert_eq!(
        decryptor.update(&blob[..cut], &mut out),
        Err(StreamError::Tampered)
    );
    assert_eq!(
        decryptor.update(&blob[cut..], &mut out),
        Err(StreamError::Tampered)
    );
    assert_eq!(decryptor.finish(&mut out), Err(StreamError::Tampered));
    assert!(out == f.plaintext[..C]);
}

//! Round trips over random lengths (around chunk boundaries, and up to three chunks) cut at
//! random points, in both directions; and hostile blobs (random edits of a real one, or random
//! bytes) that the decoder must refuse without a panic, releasing only authenticated plaintext.

use super::{C, WHOLE, canonical, decrypt, encrypt, header_of, plaintext};
use crate::crypto::stream::{DataKey, Decryptor, Encryptor, ciphertext_len};
use proptest::prelude::{
    Just, ProptestConfig, Strategy, any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest,
};
use uuid::Uuid;

/// Cuts `data` at the given points (sorted, possibly repeated: empty pieces are fed too).
fn pieces<'a>(data: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    cuts.sort_unstable();
    let mut start = 0;
    let mut out = Vec::new();
    for cut in cuts.into_iter().chain([data.len()]) {
        out.push(&data[start..cut]);
        start = cut;
    }
    out
}

fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        0..300usize,
        C - 20..C + 20,
        2 * C - 20..2 * C + 20,
        0..3 * C + 100,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn round_trips_any_length_cut_anywhere(
        len in length(),
        enc_cuts in prop::collection::vec(any::<usize>(), 0..12),
        dec_cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
        let plaintext = plaintext(len);
        let mut encryptor = Encryptor::new(&key, id);
        let mut blob = Vec::new();
        for piece in pieces(&plaintext, &enc_cuts) {
            encryptor.update(piece, &mut blob).unwrap();
        }
        encryptor.finish(&mut blob).unwrap();
        prop_assert_eq!(blob.len() as u64, ciphertext_len(len as u64));
        prop_assert!(blob == canonical(&key, header_of(&blob), &plaintext));

        let mut decryptor = Decryptor::new(&key, id);
        let mut out = Vec::new();
        for piece in pieces(&blob, &dec_cuts) {
            decryptor.update(piece, &mut out).unwrap();
            // Only whole authenticated chunks come out, and a full one only when more follows.
            prop_assert!(out.len() % C == 0 && out.len() < len.max(1));
        }
        decryptor.finish(&mut out).unwrap();
        prop_assert!(out == plaintext);
    }
}

/// One hostile change to a blob: a flipped bit, a cut, bytes inserted or overwritten.
#[derive(Debug, Clone)]
enum Edit {
    Flip { at: usize, bit: u8 },
    Cut { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Overwrite { at: usize, bytes: Vec<u8> },
}

fn edit() -> impl Strategy<Value = Edit> {
    let bytes = || prop::collection::vec(any::<u8>(), 1..40);
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        any::<usize>().prop_map(|at| Edit::Cut { at }),
        (any::<usize>(), bytes()).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        (any::<usize>(), bytes()).prop_map(|(at, bytes)| Edit::Overwrite { at, bytes }),
    ]
}

fn apply(blob: &mut Vec<u8>, edit: &Edit) {
    let at = |at: usize, len: usize| at % (len + 1);
    match edit {
        Edit::Flip { at: i, bit } if !blob.is_empty() => {
            let i = i % blob.len();
            blob[i] ^= 1 << bit;
        }
        Edit::Flip { .. } => {}
        Edit::Cut { at: i } => blob.truncate(at(*i, blob.len())),
        Edit::Insert { at: i, bytes } => {
            let i = at(*i, blob.len());
            blob.splice(i..i, bytes.iter().copied());
        }
        Edit::Overwrite { at: i, bytes } => {
            let i = at(*i, blob.len());
            let end = (i + bytes.len()).min(blob.len());
            blob.splice(i..end, bytes.iter().copied());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever was done to the blob, the decoder answers (no panic), releases only a prefix of
    /// the real plaintext, and succeeds only when the blob came back unchanged.
    #[test]
    fn hostile_blobs_are_refused_releasing_only_authenticated_text(
        len in length(),
        edits in prop::collection::vec(edit(), 1..4),
        piece in prop_oneof![1..64usize, Just(C + 1), Just(WHOLE)],
    ) {
        let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
        let plaintext = plaintext(len);
        let original = encrypt(&key, id, &plaintext, WHOLE);
        let mut blob = original.clone();
        for edit in &edits {
            apply(&mut blob, edit);
        }
        let (out, result) = decrypt(&key, id, &blob, piece);
        prop_assert!(plaintext.starts_with(&out), "released text that was not the plaintext");
        prop_assert_eq!(result.is_ok(), blob == original);
    }

    /// Random bytes of any length are refused.
    #[test]
    fn random_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
        let (out, result) = decrypt(&key, id, &bytes, WHOLE);
        prop_assert!(out.is_empty() && result.is_err());
    }
}

//! Round trips over random lengths (around chunk boundaries, and up to three chunks) cut at
//! random points, in both directions.

use super::{C, canonical, header_of, plaintext};
use crate::crypto::stream::{DataKey, Decryptor, Encryptor, ciphertext_len};
use proptest::prelude::{
    ProptestConfig, Strategy, any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest,
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

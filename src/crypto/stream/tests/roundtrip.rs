//! Round trips: every size, cut into pieces of any size, decrypts to itself, and encrypts to its
//! one canonical encoding of the documented layout and length.

use super::{C, WHOLE, canonical, decrypt, encrypt, header_of, plaintext};
use crate::crypto::stream::{DataKey, Encryptor, HEADER_LEN, TAG_LEN, ciphertext_len};
use ring::aead::AES_256_GCM;
use uuid::Uuid;

fn assert_round_trip(plaintext: &[u8], enc_pieces: &[usize], dec_pieces: &[usize]) {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    for &enc_piece in enc_pieces {
        let blob = encrypt(&key, id, plaintext, enc_piece);
        assert_eq!(blob.len() as u64, ciphertext_len(plaintext.len() as u64));
        assert!(
            blob == canonical(&key, header_of(&blob), plaintext),
            "canonical encoding"
        );
        for &dec_piece in dec_pieces {
            let (out, result) = decrypt(&key, id, &blob, dec_piece);
            assert_eq!(
                result,
                Ok(()),
                "{} bytes in {enc_piece}/{dec_piece}",
                plaintext.len()
            );
            assert!(
                out == plaintext,
                "{} bytes in {enc_piece}/{dec_piece}",
                plaintext.len()
            );
        }
    }
}

#[test]
fn round_trips_edge_sizes_in_any_piece_size() {
    let pieces = [1, 7, 4096, 65_537, WHOLE];
    for len in [0, 1, C - 1, C, 3 * C, 3 * C + 7] {
        assert_round_trip(&plaintext(len), &pieces, &pieces);
    }
}

#[test]
fn empty_plaintext_is_a_header_and_one_tag() {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    let mut out = Vec::new();
    Encryptor::new(&key, id).finish(&mut out).unwrap();
    assert_eq!(out.len(), HEADER_LEN + TAG_LEN);
    let mut encryptor = Encryptor::new(&key, id);
    let mut via_update = Vec::new();
    encryptor.update(&[], &mut via_update).unwrap();
    assert_eq!(
        via_update.len(),
        HEADER_LEN,
        "the first update writes the header"
    );
    encryptor.finish(&mut via_update).unwrap();
    assert_eq!(via_update.len(), HEADER_LEN + TAG_LEN);
    assert_eq!(decrypt(&key, id, &via_update, 1), (vec![], Ok(())));
}

#[test]
fn header_is_laid_out_as_documented() {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    let blob = encrypt(&key, id, b"x", WHOLE);
    assert_eq!(HEADER_LEN, 41);
    assert_eq!(&blob[..9], b"VJVS\x01\x00\x01\x00\x00");
    assert_eq!(&blob[9..25], id.as_bytes());
    assert_ne!(
        header_of(&blob),
        header_of(&encrypt(&key, id, b"x", WHOLE)),
        "fresh salt"
    );
    assert_eq!(AES_256_GCM.tag_len(), TAG_LEN);
}

#[test]
fn ciphertext_len_is_exact() {
    let h = HEADER_LEN as u64;
    let c = C as u64;
    assert_eq!(ciphertext_len(0), h + 16);
    assert_eq!(ciphertext_len(1), h + 1 + 16);
    assert_eq!(ciphertext_len(c), h + c + 16);
    assert_eq!(ciphertext_len(c + 1), h + c + 1 + 32);
    assert_eq!(ciphertext_len(3 * c + 7), h + 3 * c + 7 + 64);
    assert_eq!(ciphertext_len(u64::MAX), u64::MAX);
}

//! Keys and nonces: a fresh salt gives every encryption its own keystream, the chunk counter
//! errors instead of wrapping, and keys never show in debug output.

use super::{C, WHOLE, encrypt, plaintext};
use crate::crypto::stream::{DataKey, Decryptor, Encryptor, HEADER_LEN, KEY_LEN, StreamError};
use uuid::Uuid;

#[test]
fn the_same_key_and_version_never_repeat_a_keystream() {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    let zeros = [0u8; 100];
    let a = encrypt(&key, id, &zeros, WHOLE);
    let b = encrypt(&key, id, &zeros, WHOLE);
    // The tags differ anyway (the salt is in the AAD); the ciphertext shows the keystream.
    let keystream = HEADER_LEN..HEADER_LEN + zeros.len();
    assert_ne!(
        a[keystream.clone()],
        b[keystream],
        "a fresh salt, a fresh key"
    );
}

#[test]
fn the_counter_errors_instead_of_wrapping() {
    let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
    let mut encryptor = Encryptor::new(&key, id);
    let mut out = Vec::new();
    encryptor.update(&[], &mut out).unwrap();
    encryptor.chunks.as_mut().unwrap().counter = u64::MAX;
    encryptor.update(&plaintext(C), &mut out).unwrap();
    assert_eq!(
        encryptor.update(&[1], &mut out),
        Err(StreamError::CounterOverflow)
    );
    assert_eq!(
        out.len(),
        HEADER_LEN,
        "nothing sealed under a wrapped counter"
    );

    let blob = encrypt(&key, id, &plaintext(C + 1), WHOLE);
    let mut decryptor = Decryptor::new(&key, id);
    let mut out = Vec::new();
    decryptor.update(&blob[..HEADER_LEN], &mut out).unwrap();
    decryptor.chunks.as_mut().unwrap().counter = u64::MAX;
    let result = decryptor.update(&blob[HEADER_LEN..], &mut out);
    assert_eq!(result, Err(StreamError::CounterOverflow));
    assert!(out.is_empty());
}

#[test]
fn keys_do_not_show_in_debug_output() {
    let key = DataKey::from_bytes([7; KEY_LEN]);
    assert_eq!(format!("{key:?}"), "DataKey(..)");
    assert_eq!(key.expose(), &[7; KEY_LEN]);
    let id = Uuid::nil();
    assert!(!format!("{:?}", Encryptor::new(&key, id)).contains("7, 7"));
    assert!(!format!("{:?}", Decryptor::new(&key, id)).contains("7, 7"));
}

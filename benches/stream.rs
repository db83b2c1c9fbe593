//! Throughput of the blob format on one core, in memory: encrypting and decrypting 64 MiB fed in
//! 1 MiB pieces, as an upload or a download feeds it, and SHA-256 over the same bytes, which
//! every upload and download computes too: with the decryption it bounds what one download can
//! deliver. `cargo bench --bench stream`; criterion prints MB/s (10^6 bytes per second).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ring::digest::{Context, SHA256};
use std::hint::black_box;
use uuid::Uuid;
use vejviser::crypto::stream::{DataKey, Decryptor, Encryptor};

/// The plaintext measured, in bytes.
const TOTAL: usize = 64 << 20;
/// How much arrives at a time.
const PIECE: usize = 1 << 20;

/// Bytes that are not all alike (xorshift), so nothing is special about the input.
fn plaintext(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Encrypts `plaintext` piece by piece, reusing one output buffer, as the upload does; each
/// piece of ciphertext goes to `sink`.
fn encrypt(key: &DataKey, id: Uuid, plaintext: &[u8], mut sink: impl FnMut(&[u8])) {
    let mut encryptor = Encryptor::new(key, id);
    let mut sealed = Vec::with_capacity(PIECE + PIECE / 16);
    for piece in plaintext.chunks(PIECE) {
        encryptor.update(piece, &mut sealed).expect("encrypts");
        sink(&sealed);
        sealed.clear();
    }
    encryptor.finish(&mut sealed).expect("encrypts");
    sink(&sealed);
}

/// Decrypts `blob` piece by piece, reusing one output buffer, as the download does; returns the
/// plaintext length.
fn decrypt(key: &DataKey, id: Uuid, blob: &[u8]) -> usize {
    let mut decryptor = Decryptor::new(key, id);
    let mut opened = Vec::with_capacity(2 * PIECE);
    let mut total = 0;
    for piece in blob.chunks(PIECE) {
        decryptor.update(piece, &mut opened).expect("decrypts");
        total += black_box(&opened).len();
        opened.clear();
    }
    decryptor.finish(&mut opened).expect("decrypts");
    total + opened.len()
}

fn stream(c: &mut Criterion) {
    let key = DataKey::generate().expect("the system random generator works");
    let id = Uuid::new_v4();
    let plaintext = plaintext(TOTAL);
    let mut blob = Vec::new();
    encrypt(&key, id, &plaintext, |sealed| {
        blob.extend_from_slice(sealed)
    });
    assert_eq!(decrypt(&key, id, &blob), TOTAL, "the blob decrypts whole");

    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::BytesDecimal(TOTAL as u64));
    group.sample_size(10);
    group.bench_function("encrypt", |b| {
        b.iter(|| {
            encrypt(&key, id, &plaintext, |sealed| {
                black_box(sealed);
            })
        })
    });
    group.bench_function("decrypt", |b| b.iter(|| decrypt(&key, id, &blob)));
    group.bench_function("sha256", |b| {
        b.iter(|| {
            let mut hash = Context::new(&SHA256);
            for piece in plaintext.chunks(PIECE) {
                hash.update(piece);
            }
            hash.finish()
        })
    });
    group.finish();
}

criterion_group!(benches, stream);
criterion_main!(benches);

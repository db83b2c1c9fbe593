//! Streaming encryption of document blobs: a chunked AEAD after age's STREAM construction, with
//! AES-256-GCM. Either direction holds at most one chunk in memory, whatever the blob's size,
//! and the decryptor hands out plaintext only from chunks it has authenticated.
//!
//! Every document version has its own random 32-byte data key. Each blob also derives a payload
//! key from a random salt in its header, so two encryptions never share a key and nonce, even
//! under the same data key and version id, and chunks cannot be spliced from one into another.
//!
//! # Format, version 1
//!
//! ```text
//! offset  length  field
//!      0       4  magic "VJVS" (56 4A 56 53)
//!      4       1  format version: 01
//!      5       4  plaintext chunk size, u32 big-endian: 00 01 00 00 (65536, the only one accepted)
//!      9      16  document version id, the UUID's bytes in RFC 9562 (big-endian) order
//!     25      16  salt, random for each blob
//!     41          chunks, each the ciphertext followed by its 16-byte GCM tag
//! ```
//!
//! - Payload key = HKDF-SHA256(salt: the header's salt, IKM: the data key,
//!   info: "vejviser stream v1"), 32 bytes.
//! - Chunk i (counting from 0) is sealed with AES-256-GCM under the payload key.
//!   Nonce = i as 11 bytes big-endian || 01 for the final chunk, 00 for any other.
//!   AAD = all 41 header bytes.
//! - Every chunk except the final one holds exactly 65536 plaintext bytes (65552 sealed). The
//!   final chunk holds 1 to 65536 bytes, and 0 only when it is the sole chunk (empty plaintext).
//!   A plaintext that is a multiple of 65536 bytes therefore ends in a full final chunk, never
//!   in an empty one. Every plaintext has exactly one encoding, with length [`ciphertext_len`].
//! - Nothing may follow the final chunk.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Plaintext bytes in each chunk but the final one.
pub const CHUNK_SIZE: usize = 65536;
/// Length of the blob header.
pub const HEADER_LEN: usize = SALT_AT + SALT_LEN;

const MAGIC: [u8; 4] = *b"VJVS";
const FORMAT_VERSION: u8 = 1;
const VERSION_AT: usize = MAGIC.len();
const CHUNK_SIZE_AT: usize = VERSION_AT + 1;
const VERSION_ID_AT: usize = CHUNK_SIZE_AT + 4;
const SALT_AT: usize = VERSION_ID_AT + 16;
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
const SEALED_CHUNK_LEN: usize = CHUNK_SIZE + TAG_LEN;
const PAYLOAD_KEY_INFO: &[u8] = b"vejviser stream v1";

/// Why a blob cannot be written or read. A bad header is named by its field. A blob cut at a
/// chunk boundary, or with fewer than 16 bytes left of its last chunk, is `Truncated`; bytes
/// after a full final chunk are `TrailingData`. Anything else (a wrong key; changed, reordered
/// or spliced chunks; a cut or extension inside a chunk, short final chunks included) is
/// `Tampered`. Encryption fails only with `CounterOverflow` or `Random`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    #[error("not an encrypted document blob (wrong magic bytes)")]
    BadMagic,
    #[error("blob format version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error("blob chunk size {0} is not supported")]
    BadChunkSize(u32),
    #[error("the blob belongs to document version {found}, not {expected}")]
    WrongVersionId { expected: Uuid, found: Uuid },
    #[error("the blob is truncated")]
    Truncated,
    #[error("the blob has data after its final chunk")]
    TrailingData,
    #[error("a blob chunk failed authentication (wrong key, or the blob was altered)")]
    Tampered,
    #[error("the blob ends in an empty chunk after data, which is not the canonical encoding")]
    NonCanonical,
    #[error("the blob has more chunks than the chunk counter allows")]
    CounterOverflow,
    #[error("the system random generator failed")]
    Random,
}

/// The random key for one document version's blob. It is wiped from memory when dropped.
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    pub fn generate() -> Result<Self, StreamError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        SystemRandom::new()
            .fill(key.as_mut())
            .map_err(|_| StreamError::Random)?;
        Ok(Self(key))
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The exact blob length for a plaintext of `plaintext_len` bytes (saturating at `u64::MAX`).
pub fn ciphertext_len(plaintext_len: u64) -> u64 {
    let chunks = plaintext_len.div_ceil(CHUNK_SIZE as u64).max(1);
    (HEADER_LEN as u64 + chunks * TAG_LEN as u64).saturating_add(plaintext_len)
}

/// Encrypts a plaintext that arrives in pieces of any size.
pub struct Encryptor {
    data_key: Zeroizing<[u8; KEY_LEN]>,
    version_id: Uuid,
    /// None until the header is written.
    chunks: Option<Chunks>,
    /// Plaintext of the chunk being filled, at most one chunk.
    pending: Vec<u8>,
}

impl Encryptor {
    pub fn new(key: &DataKey, version_id: Uuid) -> Self {
        Self {
            data_key: Zeroizing::new(*key.expose()),
            version_id,
            chunks: None,
            pending: Vec::with_capacity(CHUNK_SIZE),
        }
    }

    /// Appends plaintext; writes the header (on first call) and every completed sealed chunk
    /// into `out`. A full chunk is held back until more plaintext shows it is not the final one.
    pub fn update(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), StreamError> {
        let chunks = start(&mut self.chunks, &self.data_key, self.version_id, out)?;
        split_held_back(&mut self.pending, CHUNK_SIZE, plaintext, |chunk| {
            chunks.seal(chunk, false, out)
        })
    }

    /// Seals the final chunk into `out`, after the header if `update` was never called.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<(), StreamError> {
        let chunks = start(&mut self.chunks, &self.data_key, self.version_id, out)?;
        chunks.seal(&self.pending, true, out)
    }
}

impl fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encryptor")
            .field("version_id", &self.version_id)
            .finish_non_exhaustive()
    }
}

/// The blob's chunk state, writing a new header into `out` the first time.
fn start<'a>(
    chunks: &'a mut Option<Chunks>,
    data_key: &[u8; KEY_LEN],
    version_id: Uuid,
    out: &mut Vec<u8>,
) -> Result<&'a mut Chunks, StreamError> {
    match chunks {
        Some(chunks) => Ok(chunks),
        None => {
            let mut salt = [0u8; SALT_LEN];
            SystemRandom::new()
                .fill(&mut salt)
                .map_err(|_| StreamError::Random)?;
            let header = encode_header(version_id, &salt);
            out.extend_from_slice(&header);
            Ok(chunks.insert(Chunks::new(data_key, header)))
        }
    }
}

/// Decrypts a blob that arrives in pieces of any size, releasing only authenticated plaintext.
/// Plaintext released before an error is authentic but incomplete: the document as a whole
/// must count as failed.
pub struct Decryptor {
    data_key: Zeroizing<[u8; KEY_LEN]>,
    expected_version_id: Uuid,
    header: [u8; HEADER_LEN],
    header_len: usize,
    /// None until the whole header has arrived and passed its checks.
    chunks: Option<Chunks>,
    /// Sealed bytes of the chunk being filled, at most one sealed chunk.
    pending: Vec<u8>,
    /// The first error, returned again by every later call.
    failed: Option<StreamError>,
}

impl Decryptor {
    pub fn new(key: &DataKey, expected_version_id: Uuid) -> Self {
        Self {
            data_key: Zeroizing::new(*key.expose()),
            expected_version_id,
            header: [0; HEADER_LEN],
            header_len: 0,
            chunks: None,
            pending: Vec::with_capacity(SEALED_CHUNK_LEN),
            failed: None,
        }
    }

    /// Consumes ciphertext pieces of any size; appends authenticated plaintext of completed
    /// chunks to `out`. A full-length chunk can only be opened as non-final once at least one
    /// more byte has arrived, so it is held back until then. On error, `out` has gained only
    /// the plaintext of the chunks authenticated before the failing one.
    pub fn update(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), StreamError> {
        self.check_not_failed()?;
        let result = self.feed(ciphertext, out);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// End of input: opens the held-back chunk as the final one; errors if the stream was
    /// truncated.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<(), StreamError> {
        self.check_not_failed()?;
        match self.chunks.as_mut() {
            Some(chunks) if self.pending.len() >= TAG_LEN => chunks.open(&self.pending, true, out),
            _ => Err(StreamError::Truncated),
        }
    }

    fn check_not_failed(&self) -> Result<(), StreamError> {
        self.failed.clone().map_or(Ok(()), Err)
    }

    fn feed(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), StreamError> {
        let rest = self.take_header(ciphertext)?;
        let Some(chunks) = self.chunks.as_mut() else {
            return Ok(()); // the header is still incomplete, so `rest` is empty
        };
        split_held_back(&mut self.pending, SEALED_CHUNK_LEN, rest, |sealed| {
            chunks.open(sealed, false, out)
        })
    }

    /// Collects header bytes and checks the header once complete; returns the bytes after it.
    fn take_header<'a>(&mut self, input: &'a [u8]) -> Result<&'a [u8], StreamError> {
        if self.chunks.is_some() {
            return Ok(input);
        }
        let (head, rest) = input.split_at(input.len().min(HEADER_LEN - self.header_len));
        self.header[self.header_len..][..head.len()].copy_from_slice(head);
        self.header_len += head.len();
        if self.header_len == HEADER_LEN {
            check_header(&self.header, self.expected_version_id)?;
            self.chunks = Some(Chunks::new(&self.data_key, self.header));
        }
        Ok(rest)
    }
}

impl fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decryptor")
            .field("expected_version_id", &self.expected_version_id)
            .finish_non_exhaustive()
    }
}

/// Cuts `input` into units of `unit` bytes, buffering in `pending`. A full unit goes to `emit`
/// only once a later byte has arrived, so the last unit stays in `pending` for `finish`.
/// Units that lie whole within `input` go to `emit` straight from it, without a copy.
fn split_held_back(
    pending: &mut Vec<u8>,
    unit: usize,
    mut input: &[u8],
    mut emit: impl FnMut(&[u8]) -> Result<(), StreamError>,
) -> Result<(), StreamError> {
    while !input.is_empty() {
        if pending.len() == unit {
            emit(pending)?;
            pending.clear();
        }
        if pending.is_empty() && input.len() > unit {
            let (whole, rest) = input.split_at(unit);
            emit(whole)?;
            input = rest;
            continue;
        }
        let (head, rest) = input.split_at(input.len().min(unit - pending.len()));
        pending.extend_from_slice(head);
        input = rest;
    }
    Ok(())
}

fn encode_header(version_id: Uuid, salt: &[u8; SALT_LEN]) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..VERSION_AT].copy_from_slice(&MAGIC);
    header[VERSION_AT] = FORMAT_VERSION;
    header[CHUNK_SIZE_AT..VERSION_ID_AT].copy_from_slice(&(CHUNK_SIZE as u32).to_be_bytes());
    header[VERSION_ID_AT..SALT_AT].copy_from_slice(version_id.as_bytes());
    header[SALT_AT..].copy_from_slice(salt);
    header
}

/// Checks every header field, so a blob of another version fails before any decryption.
fn check_header(header: &[u8; HEADER_LEN], expected: Uuid) -> Result<(), StreamError> {
    if header[..VERSION_AT] != MAGIC {
        return Err(StreamError::BadMagic);
    }
    if header[VERSION_AT] != FORMAT_VERSION {
        return Err(StreamError::UnsupportedVersion(header[VERSION_AT]));
    }
    let chunk_size = u32::from_be_bytes(field(header, CHUNK_SIZE_AT));
    if chunk_size as usize != CHUNK_SIZE {
        return Err(StreamError::BadChunkSize(chunk_size));
    }
    let found = Uuid::from_bytes(field(header, VERSION_ID_AT));
    if found != expected {
        return Err(StreamError::WrongVersionId { expected, found });
    }
    Ok(())
}

/// The `N` header bytes at `at` (fixed offsets within the fixed-size header).
fn field<const N: usize>(header: &[u8; HEADER_LEN], at: usize) -> [u8; N] {
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&header[at..at + N]);
    bytes
}

/// One blob's payload key, header (the AAD of every chunk) and chunk counter.
struct Chunks {
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    counter: u64,
}

impl Chunks {
    fn new(data_key: &[u8; KEY_LEN], header: [u8; HEADER_LEN]) -> Self {
        let salt: [u8; SALT_LEN] = field(&header, SALT_AT);
        let prk = Salt::new(HKDF_SHA256, &salt).extract(data_key);
        let payload_key = prk
            .expand(&[PAYLOAD_KEY_INFO], &AES_256_GCM)
            .expect("32 bytes is within HKDF-SHA256's output limit");
        Self {
            key: LessSafeKey::new(UnboundKey::from(payload_key)),
            header,
            counter: 0,
        }
    }

    fn nonce(&self, last: bool) -> Nonce {
        // An 11-byte counter whose top 3 bytes stay zero: the u64 counter errors before it wraps.
        let mut nonce = [0u8; NONCE_LEN];
        nonce[3..NONCE_LEN - 1].copy_from_slice(&self.counter.to_be_bytes());
        nonce[NONCE_LEN - 1] = u8::from(last);
        Nonce::assume_unique_for_key(nonce)
    }

    /// The counter after this chunk: a final chunk needs no successor.
    fn next_counter(&self, last: bool) -> Result<u64, StreamError> {
        if last {
            return Ok(self.counter);
        }
        self.counter
            .checked_add(1)
            .ok_or(StreamError::CounterOverflow)
    }

    /// Appends `plaintext` sealed as the next chunk to `out`, sealing in place there.
    fn seal(&mut self, plaintext: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), StreamError> {
        let next = self.next_counter(last)?;
        out.reserve(plaintext.len() + TAG_LEN);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let tag = self
            .key
            .seal_in_place_separate_tag(
                self.nonce(last),
                Aad::from(&self.header),
                &mut out[start..],
            )
            .expect("a chunk is far below AES-GCM's length limit");
        out.extend_from_slice(tag.as_ref());
        self.counter = next;
        Ok(())
    }

    /// Opens `sealed` as the next chunk; its plaintext reaches `out` only if authentic.
    fn open(&mut self, sealed: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), StreamError> {
        let next = self.next_counter(last)?;
        if !self.try_open(sealed, last, out) {
            return Err(self.diagnose(sealed, last));
        }
        if last && sealed.len() == TAG_LEN && self.counter > 0 {
            return Err(StreamError::NonCanonical);
        }
        self.counter = next;
        Ok(())
    }

    /// Decrypts in place at the end of `out`, keeping the plaintext only if the tag matches.
    fn try_open(&self, sealed: &[u8], last: bool, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        out.extend_from_slice(sealed);
        let opened = self
            .key
            .open_in_place(self.nonce(last), Aad::from(&self.header), &mut out[start..])
            .map(|plaintext| plaintext.len());
        out.truncate(start + opened.unwrap_or(0));
        opened.is_ok()
    }

    /// Why a chunk failed to open. If it opens with the other last-chunk flag, the blob was cut
    /// at, or extended past, a chunk boundary; otherwise the key is wrong or bytes were changed.
    fn diagnose(&self, sealed: &[u8], last: bool) -> StreamError {
        match (self.try_open(sealed, !last, &mut Vec::new()), last) {
            (false, _) => StreamError::Tampered,
            (true, true) => StreamError::Truncated,
            (true, false) => StreamError::TrailingData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::ops::Range;

    const C: usize = CHUNK_SIZE;
    const WHOLE: usize = usize::MAX;

    /// Bytes that differ from chunk to chunk, so a moved chunk never decrypts to the same text.
    fn plaintext(len: usize) -> Vec<u8> {
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

    fn encrypt(key: &DataKey, id: Uuid, plaintext: &[u8], piece: usize) -> Vec<u8> {
        let mut encryptor = Encryptor::new(key, id);
        let mut out = Vec::new();
        for piece in plaintext.chunks(piece) {
            encryptor.update(piece, &mut out).unwrap();
        }
        encryptor.finish(&mut out).unwrap();
        out
    }

    /// What the decryptor released, and how it ended.
    fn decrypt(
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
    fn refusal(key: &DataKey, id: Uuid, blob: &[u8]) -> (StreamError, Vec<u8>) {
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
    fn chunk(blob: &[u8], k: usize) -> Range<usize> {
        let start = HEADER_LEN + k * SEALED_CHUNK_LEN;
        start..(start + SEALED_CHUNK_LEN).min(blob.len())
    }

    fn header_of(blob: &[u8]) -> [u8; HEADER_LEN] {
        blob[..HEADER_LEN].try_into().unwrap()
    }

    /// Seals `chunks` one by one under `header`, the last with the final flag.
    fn seal_chunks(key: &DataKey, header: [u8; HEADER_LEN], chunks: &[&[u8]]) -> Vec<u8> {
        let mut sealer = Chunks::new(key.expose(), header);
        let mut out = header.to_vec();
        for (i, chunk) in chunks.iter().enumerate() {
            sealer.seal(chunk, i + 1 == chunks.len(), &mut out).unwrap();
        }
        out
    }

    /// The one valid encoding of `plaintext` under `header`.
    fn canonical(key: &DataKey, header: [u8; HEADER_LEN], plaintext: &[u8]) -> Vec<u8> {
        let chunks: Vec<&[u8]> = if plaintext.is_empty() {
            vec![&[]]
        } else {
            plaintext.chunks(C).collect()
        };
        seal_chunks(key, header, &chunks)
    }

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

    #[test]
    fn keys_do_not_show_in_debug_output() {
        let key = DataKey::from_bytes([7; KEY_LEN]);
        assert_eq!(format!("{key:?}"), "DataKey(..)");
        assert_eq!(key.expose(), &[7; KEY_LEN]);
        let id = Uuid::nil();
        assert!(!format!("{:?}", Encryptor::new(&key, id)).contains("7, 7"));
        assert!(!format!("{:?}", Decryptor::new(&key, id)).contains("7, 7"));
    }

    /// `cargo test --release -- --ignored --nocapture throughput` prints MB/s for 256 MiB.
    #[test]
    #[ignore = "a throughput figure, not a check"]
    fn throughput() {
        use std::time::{Duration, Instant};
        const TOTAL: usize = 256 << 20;
        const PIECE: usize = 1 << 20;
        let (key, id) = (DataKey::generate().unwrap(), Uuid::new_v4());
        let piece = plaintext(PIECE);
        let (mut encryptor, mut decryptor) = (Encryptor::new(&key, id), Decryptor::new(&key, id));
        let (mut sealed, mut opened) = (Vec::new(), Vec::new());
        let (mut sealing, mut opening) = (Duration::ZERO, Duration::ZERO);
        let mut hashing = Duration::ZERO;
        let mut total_out = 0;
        for _ in 0..TOTAL / PIECE {
            let start = Instant::now();
            encryptor.update(&piece, &mut sealed).unwrap();
            sealing += start.elapsed();
            let start = Instant::now();
            decryptor.update(&sealed, &mut opened).unwrap();
            opening += start.elapsed();
            let start = Instant::now();
            std::hint::black_box(ring::digest::digest(&ring::digest::SHA256, &opened));
            hashing += start.elapsed();
            total_out += opened.len();
            sealed.clear();
            opened.clear();
        }
        encryptor.finish(&mut sealed).unwrap();
        decryptor.update(&sealed, &mut opened).unwrap();
        decryptor.finish(&mut opened).unwrap();
        assert_eq!(total_out + opened.len(), TOTAL);
        let mb_s = |d: Duration| TOTAL as f64 / 1e6 / d.as_secs_f64();
        // SHA-256 is here because every upload and download hashes the plaintext too: with the
        // decryption it bounds what one download can deliver.
        println!(
            "256 MiB: encrypt {:.0} MB/s, decrypt {:.0} MB/s, both {:.0} MB/s, SHA-256 {:.0} MB/s",
            mb_s(sealing),
            mb_s(opening),
            mb_s(sealing + opening),
            mb_s(hashing)
        );
    }
}

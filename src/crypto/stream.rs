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
mod tests;

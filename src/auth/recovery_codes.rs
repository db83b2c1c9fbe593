//! One-time recovery codes: the way back in for a staff member who lost their authenticator.
//!
//! A code is 10 characters from a 31-symbol alphabet without the look-alikes 0/O, 1/I/L
//! (`23456789ABCDEFGHJKMNPQRSTUVWXYZ`), shown as `XXXXX-XXXXX`: about 49.5 bits of entropy,
//! drawn from the OS CSPRNG (ring's `SystemRandom`) without modulo bias.
//!
//! Only a hash of each code is stored. A fast hash (unsalted SHA-256, hex) is acceptable here,
//! unlike for passwords: the codes are random rather than chosen by people, each works once, and
//! online guessing is rate-limited by the lock-out policy, so ~2^49 guesses are out of reach. An
//! attacker holding a stolen database could brute-force one code offline with much GPU time, but
//! that yields only a second factor, still useless without the argon2id-protected password, and
//! codes are regenerated after an incident. Comparison with the stored hash is constant time.
//!
//! Input is normalised before hashing (upper case, spaces and dashes removed), so people may
//! type `abcde fghjk` for `ABCDE-FGHJK`. Nothing here does I/O.

use std::fmt;

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// The symbols a code is made of: digits and capitals without 0, O, 1, I and L.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Symbols in a code (the dash is not counted).
pub const CODE_LEN: usize = 10;
/// Length of a stored hash: SHA-256 as lower-case hex.
pub const HASH_HEX_LEN: usize = 64;

/// Largest multiple of the alphabet size that fits in a byte: bytes at or above it are redrawn,
/// so every symbol is equally likely.
const UNBIASED_LIMIT: u8 = 248; // 8 * 31

/// Errors from code generation.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryCodeError {
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
}

/// A freshly generated recovery code, formatted `XXXXX-XXXXX`. Show it to the person once and
/// store only [`hash`]`(code.as_str())`. Zeroized on drop; `Debug` does not print it
/// (`Display` does, since showing it is its purpose).
pub struct RecoveryCode {
    text: String,
}

impl RecoveryCode {
    /// The code as shown to a person: `XXXXX-XXXXX`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

impl Drop for RecoveryCode {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

/// Draws one code's symbols.
fn random_symbols(rng: &SystemRandom) -> Result<[u8; CODE_LEN], RecoveryCodeError> {
    let mut out = [0u8; CODE_LEN];
    let mut filled = 0;
    let mut buf = [0u8; 32];
    while filled < CODE_LEN {
        rng.fill(&mut buf).map_err(|_| RecoveryCodeError::Random)?;
        for &b in &buf {
            if filled == CODE_LEN {
                break;
            }
            if b < UNBIASED_LIMIT
                && let (Some(slot), Some(&symbol)) =
                    (out.get_mut(filled), ALPHABET.get(usize::from(b % 31)))
            {
                *slot = symbol;
                filled += 1;
            }
        }
    }
    buf.zeroize();
    Ok(out)
}

/// Generates `count` distinct recovery codes (a set of 10 is usual).
///
/// # Errors
/// [`RecoveryCodeError::Random`] if the random generator fails.
pub fn generate(count: usize) -> Result<Vec<RecoveryCode>, RecoveryCodeError> {
    let rng = SystemRandom::new();
    let mut codes: Vec<RecoveryCode> = Vec::with_capacity(count);
    while codes.len() < count {
        let mut symbols = random_symbols(&rng)?;
        let mut text = String::with_capacity(CODE_LEN + 1);
        for (i, &s) in symbols.iter().enumerate() {
            if i == CODE_LEN / 2 {
                text.push('-');
            }
            text.push(char::from(s));
        }
        symbols.zeroize();
        let code = RecoveryCode { text };
        // A repeat is astronomically unlikely, but a set must not contain one. (A linear scan
        // keeps no extra, un-zeroized copies of the codes; sets are small.)
        if !codes.iter().any(|c| c.text == code.text) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// Upper case, with whitespace and dashes removed.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The value to store for a code: SHA-256 of the normalised code (upper case, no spaces or
/// dashes), as 64 lower-case hex digits. A fast hash is deliberate; see the module docs.
#[must_use]
pub fn hash(code: &str) -> String {
    let mut normalised = normalise(code);
    let digest = digest(&SHA256, normalised.as_bytes());
    normalised.zeroize();
    hex::encode(digest)
}

/// Whether `code` (as typed: any case, spaces and dashes allowed) is the code whose
/// [`hash`] is `stored_hash`. Input that cannot be a code (wrong length or a symbol outside
/// [`ALPHABET`]) is `false` without hashing; otherwise the hashes are compared in constant time.
/// The caller must delete the stored hash after a match: each code works once.
#[must_use]
pub fn matches(code: &str, stored_hash: &str) -> bool {
    let mut normalised = normalise(code);
    let plausible =
        normalised.len() == CODE_LEN && normalised.bytes().all(|b| ALPHABET.contains(&b));
    normalised.zeroize();
    if !plausible {
        return false;
    }
    let computed = hash(code);
    computed.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"0O1IL" {
            assert!(!ALPHABET.contains(c), "{}", char::from(*c));
        }
        let unique: HashSet<_> = ALPHABET.iter().collect();
        assert_eq!(unique.len(), ALPHABET.len());
        assert_eq!(usize::from(UNBIASED_LIMIT), 8 * ALPHABET.len());
    }

    #[test]
    fn format() {
        let codes = generate(50).unwrap();
        assert_eq!(codes.len(), 50);
        for code in &codes {
            let s = code.as_str();
            assert_eq!(s.len(), 11, "{s}");
            assert_eq!(s.as_bytes()[5], b'-', "{s}");
            for (i, b) in s.bytes().enumerate() {
                if i != 5 {
                    assert!(ALPHABET.contains(&b), "{s}");
                }
            }
            assert_eq!(code.to_string(), s);
            assert_eq!(format!("{code:?}"), "RecoveryCode(<redacted>)");
        }
    }

    #[test]
    fn zero_codes() {
        assert!(generate(0).unwrap().is_empty());
    }

    #[test]
    fn unique_over_1000() {
        let codes = generate(1000).unwrap();
        let unique: HashSet<&str> = codes.iter().map(RecoveryCode::as_str).collect();
        assert_eq!(unique.len(), 1000);
        // Every symbol turns up (10 000 draws from 31 symbols).
        let used: HashSet<u8> = codes
            .iter()
            .flat_map(|c| c.as_str().bytes())
            .filter(|&b| b != b'-')
            .collect();
        assert_eq!(used.len(), ALPHABET.len());
    }

    #[test]
    fn hash_is_sha256_hex_of_normalised_code() {
        let h = hash("ABCDE-FGHJK");
        assert_eq!(h.len(), HASH_HEX_LEN);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        // SHA-256("ABCDEFGHJK"), computed with `printf ABCDEFGHJK | sha256sum`.
        assert_eq!(
            h,
            "f57cbf1e3e471b25db4b8ad0844df41b2dae9c7d1944944d128e49294d412f66"
        );
        assert_eq!(hash("abcde fghjk"), h);
        assert_eq!(hash(" a-b-c-d-e f g h j k "), h);
    }

    #[test]
    fn normalised_input_matches() {
        let stored = hash("ABCDE-FGHJK");
        assert!(matches("ABCDE-FGHJK", &stored));
        assert!(matches("abcde fghjk", &stored));
        assert!(matches("abcdefghjk", &stored));
        assert!(matches("  AbCdE-fGhJk\n", &stored));
    }

    #[test]
    fn wrong_code_is_false() {
        let stored = hash("ABCDE-FGHJK");
        assert!(!matches("ABCDE-FGHJM", &stored));
        assert!(!matches("ABCDE-FGHJ", &stored));
        assert!(!matches("ABCDE-FGHJKK", &stored));
        assert!(!matches("", &stored));
        assert!(!matches("ABCD0-FGHJK", &stored));
        assert!(!matches("ABCDE-FGHJK", ""));
        assert!(!matches("ABCDE-FGHJK", &stored.to_uppercase()));
        // An empty stored value never matches empty input.
        assert!(!matches("", ""));
    }

    #[test]
    fn generated_codes_round_trip() {
        for code in generate(20).unwrap() {
            let stored = hash(code.as_str());
            assert!(matches(code.as_str(), &stored));
            assert!(matches(
                &code.as_str().to_lowercase().replace('-', " "),
                &stored
            ));
        }
    }
}

//! Staff password hashing, verification and the strength rule for new passwords.
//!
//! Passwords are stored as argon2id PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`). argon2id is
//! memory-hard, which makes offline guessing on GPUs/ASICs expensive if the database leaks; the
//! parameters are OWASP's current minimum for argon2id (19 MiB of memory, 2 passes, 1 lane),
//! which costs a few tens of milliseconds per login on a small server. The parameters are written
//! into every PHC string, so raising them later only affects new hashes: old hashes keep
//! verifying with the parameters they were made with.
//!
//! Verification always does the work of one argon2id computation, also when the account does not
//! exist or its stored hash is unusable, so that the response time does not tell an attacker
//! which e-mail addresses belong to staff accounts.
//!
//! The salt is 16 bytes from ring's `SystemRandom` (the OS CSPRNG), so no RNG feature of the
//! `argon2`/`password-hash` crates is relied on. Nothing here does I/O or reads the clock.

use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use ring::rand::{SecureRandom, SystemRandom};

/// Memory cost in KiB (OWASP minimum for argon2id: 19 MiB).
pub const M_COST_KIB: u32 = 19_456;
/// Number of passes over the memory (OWASP minimum for argon2id with 19 MiB).
pub const T_COST: u32 = 2;
/// Degree of parallelism (lanes).
pub const P_COST: u32 = 1;
/// Salt length in bytes (the PHC string format's recommendation).
const SALT_LEN: usize = 16;

/// Fewest characters (Unicode scalar values, not bytes) a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters a new password may have; bounds the hashing input and the form field.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password could not be hashed. Both cases are server faults, not the user's.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
    /// argon2 refused the parameters or ran out of memory.
    #[error("password hashing failed: {0}")]
    Hash(#[source] argon2::password_hash::Error),
}

/// Why a proposed new password is refused. `Display` gives an English sentence for a person;
/// [`WeakPassword::code`] gives a stable key for translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("The password must be at least 12 characters long.")]
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("The password must be at most 256 characters long.")]
    TooLong,
    /// Only whitespace, or one character repeated.
    #[error("The password is too simple: do not use only spaces or one character repeated.")]
    TooSimple,
}

impl WeakPassword {
    /// A stable, language-neutral key for the message: `"too_short"`, `"too_long"` or
    /// `"too_simple"`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::TooSimple => "too_simple",
        }
    }
}

/// The one argon2id configuration used for new hashes.
fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params =
        Params::new(M_COST_KIB, T_COST, P_COST, None).map_err(|e| PasswordError::Hash(e.into()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_with_salt(password: &str, salt: &[u8]) -> Result<String, PasswordError> {
    let hash = hasher()?
        .hash_password_with_salt(password.as_bytes(), salt)
        .map_err(PasswordError::Hash)?;
    Ok(hash.to_string())
}

/// Hashes `password` with argon2id (m = 19456 KiB, t = 2, p = 1) and a fresh random 16-byte
/// salt, returning the PHC string to store.
///
/// This is CPU- and memory-heavy (tens of milliseconds, 19 MiB): call it from a blocking task,
/// not directly on an async executor thread.
///
/// # Errors
/// [`PasswordError::Random`] if the OS random generator fails, [`PasswordError::Hash`] if argon2
/// fails (e.g. out of memory).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; SALT_LEN];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| PasswordError::Random)?;
    hash_with_salt(password, &salt)
}

/// Password and salt of the decoy hash; nobody can log in with it because the decoy path always
/// answers `false`.
const DUMMY_PASSWORD: &str = "vejviser-timing-decoy-password";
const DUMMY_SALT: &[u8; SALT_LEN] = b"vejviser-decoy!!";

/// A valid argon2id hash with the current parameters, computed once on first use. Verifying
/// against it costs the same as verifying a real user's hash.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash_with_salt(DUMMY_PASSWORD, DUMMY_SALT).ok());

/// Computes the decoy hash now, so that the first login for an unknown account is not slower
/// than later ones. Optional; call once at start-up (it takes one argon2id computation).
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// Runs one full argon2id verification against the decoy hash and ignores the outcome.
fn burn_one_verification(password: &str) {
    if let Some(dummy) = DUMMY_HASH.as_deref()
        && let Ok(parsed) = PasswordHash::new(dummy)
    {
        let _ = Argon2::default().verify_password(password.as_bytes(), &parsed);
    }
}

/// Checks `password` against the stored PHC string of an account.
///
/// `stored` is `None` when no account has the given e-mail address (or it has no password).
/// Then, and when the stored string is malformed or names parameters argon2 refuses, one full
/// argon2id verification is still run against a decoy hash so that timing does not reveal
/// whether the account exists; the result is `false`. The parameters are read from the stored
/// string, so hashes made with older parameters still verify. Never panics.
///
/// Like [`hash_password`], this is heavy: run it on a blocking thread.
#[must_use]
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let Some(parsed) = stored.and_then(|s| PasswordHash::new(s).ok()) else {
        burn_one_verification(password);
        return false;
    };
    // `Argon2::default()`'s own parameters are not used: verification takes algorithm, version
    // and parameters from the parsed PHC string. The output comparison is constant time.
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => true,
        Err(argon2::password_hash::Error::PasswordInvalid) => false,
        // Unknown algorithm, bad parameters, out of memory…: argon2 may not have done the work.
        Err(_) => {
            burn_one_verification(password);
            false
        }
    }
}

/// Checks the rule for a new password: 12 to 256 characters (counted as Unicode scalar values,
/// not bytes), not only whitespace, and not one character repeated.
///
/// # Errors
/// The first rule broken, as a [`WeakPassword`] with a readable message and a translation key.
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(WeakPassword::TooLong);
    }
    if password.chars().all(char::is_whitespace) {
        return Err(WeakPassword::TooSimple);
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(WeakPassword::TooSimple);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params_of(phc: &str) -> (String, Params) {
        let parsed = PasswordHash::new(phc).expect("valid PHC string");
        let params = Params::try_from(&parsed).expect("argon2 params");
        (parsed.algorithm.as_str().to_owned(), params)
    }

    #[test]
    fn round_trip() {
        let stored = hash_password("correct horse battery staple").unwrap();
        assert!(verify_password(
            "correct horse battery staple",
            Some(&stored)
        ));
    }

    #[test]
    fn wrong_password_is_false() {
        let stored = hash_password("correct horse battery staple").unwrap();
        assert!(!verify_password(
            "correct horse battery stapler",
            Some(&stored)
        ));
        assert!(!verify_password("", Some(&stored)));
    }

    #[test]
    fn salts_differ_between_hashes() {
        let a = hash_password("same password here").unwrap();
        let b = hash_password("same password here").unwrap();
        assert_ne!(a, b);
        assert!(verify_password("same password here", Some(&a)));
        assert!(verify_password("same password here", Some(&b)));
    }

    #[test]
    fn unknown_user_is_false() {
        assert!(!verify_password("anything at all", None));
        // Not even the decoy's own password opens the decoy path.
        assert!(!verify_password(DUMMY_PASSWORD, None));
    }

    #[test]
    fn malformed_stored_hash_is_false_without_panic() {
        for bad in [
            "",
            "not a hash",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$",
            "$argon2id$v=19$m=1,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=99$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ] {
            assert!(!verify_password("password123456", Some(bad)), "{bad:?}");
        }
    }

    #[test]
    fn phc_string_is_argon2id_with_owasp_parameters() {
        let stored = hash_password("correct horse battery staple").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let (alg, params) = params_of(&stored);
        assert_eq!(alg, "argon2id");
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19_456, 2, 1)
        );
        let parsed = PasswordHash::new(&stored).unwrap();
        assert_eq!(parsed.salt.map(|s| s.len()), Some(SALT_LEN));
    }

    #[test]
    fn decoy_hash_is_a_real_argon2id_hash_with_current_parameters() {
        // The unknown-user path must cost a real verification: the decoy has to be a complete,
        // parseable argon2id hash with the same parameters as real hashes.
        warm_up();
        let dummy = DUMMY_HASH.as_deref().expect("decoy hash computed");
        let (alg, params) = params_of(dummy);
        assert_eq!(alg, "argon2id");
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (M_COST_KIB, T_COST, P_COST)
        );
        let parsed = PasswordHash::new(dummy).unwrap();
        assert!(parsed.hash.is_some() && parsed.salt.is_some());
        // And argon2 really accepts it (so verification runs to the end, not an early error).
        assert!(
            Argon2::default()
                .verify_password(DUMMY_PASSWORD.as_bytes(), &parsed)
                .is_ok()
        );
    }

    #[test]
    fn old_parameters_still_verify() {
        // A hash made with other (cheaper) parameters verifies with the parameters it names.
        let params = Params::new(8_192, 1, 1, None).unwrap();
        let old = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_with_salt(b"an older password", b"0123456789abcdef")
            .unwrap()
            .to_string();
        assert!(verify_password("an older password", Some(&old)));
        assert!(!verify_password("another password", Some(&old)));
    }

    #[test]
    fn new_password_rules() {
        assert_eq!(check_new_password(""), Err(WeakPassword::TooShort));
        assert_eq!(
            check_new_password("elevenchars"),
            Err(WeakPassword::TooShort)
        );
        assert_eq!(check_new_password("twelve chars"), Ok(()));
        // Characters, not bytes: 11 two-byte letters are still too short, 12 are enough.
        assert_eq!(
            check_new_password(&"æ".repeat(11)),
            Err(WeakPassword::TooShort)
        );
        assert_eq!(check_new_password("blåbærsyltøj"), Ok(()));
        assert_eq!(check_new_password(&"ab".repeat(128)), Ok(()));
        assert_eq!(
            check_new_password(&("ab".repeat(128) + "c")),
            Err(WeakPassword::TooLong)
        );
        // 256 three-byte characters: 768 bytes, still allowed.
        assert_eq!(check_new_password(&"€x".repeat(128)), Ok(()));
        assert_eq!(
            check_new_password(&" ".repeat(20)),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(
            check_new_password(" \t\n".repeat(5).as_str()),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(
            check_new_password(&"a".repeat(20)),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(
            check_new_password(&"ø".repeat(12)),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(check_new_password("aaaaaaaaaaab"), Ok(()));
    }

    #[test]
    fn weak_password_codes_and_messages() {
        assert_eq!(WeakPassword::TooShort.code(), "too_short");
        assert_eq!(WeakPassword::TooLong.code(), "too_long");
        assert_eq!(WeakPassword::TooSimple.code(), "too_simple");
        for e in [
            WeakPassword::TooShort,
            WeakPassword::TooLong,
            WeakPassword::TooSimple,
        ] {
            let msg = e.to_string();
            assert!(msg.starts_with("The password"), "{msg}");
            assert!(msg.ends_with('.'), "{msg}");
        }
    }
}

//! Time-based one-time passwords (RFC 6238) for the staff second factor.
//!
//! Fixed to what every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps, and a
//! 160-bit (20-byte) secret as RFC 4226 recommends. A code is accepted for the current step and
//! one step either side (clock skew), and each step only once: the caller stores the step that
//! [`verify`] returns and passes it back as `last_used_step` next time, so a code that was seen
//! (shoulder-surfed, phished, replayed) cannot be used again.
//!
//! Built on `totp-rs` for the HOTP arithmetic; the current time is always passed in as Unix
//! seconds (never read from the system clock here) so the callers' clock can be faked in tests.
//! Secrets are zeroized when dropped and never printed by `Debug`.
//!
//! The enrolment QR code is an SVG with fill attributes only (no `style=`), so it can be inlined
//! into a page whose Content-Security-Policy forbids inline styles.

use std::fmt;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::{Choice, ConstantTimeEq};
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroize;

/// Secret length in bytes (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Length of a time step in seconds.
pub const STEP_SECONDS: u64 = 30;
/// Steps accepted either side of the current one.
pub const SKEW_STEPS: u64 = 1;
/// Smallest width/height of the QR SVG in pixels (the quiet zone included).
pub const QR_MIN_SIZE_PX: u32 = 240;

/// Errors from secret generation, secret loading and QR rendering.
#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
    /// A stored secret did not have exactly [`SECRET_LEN`] bytes.
    #[error("a TOTP secret must be {SECRET_LEN} bytes, got {0}")]
    SecretLength(usize),
    /// The text was too long (or otherwise unencodable) for a QR code.
    #[error("could not encode the QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

/// A TOTP shared secret: 20 random bytes. Zeroized on drop; `Debug` prints no bytes.
pub struct TotpSecret {
    bytes: [u8; SECRET_LEN],
}

impl TotpSecret {
    /// A new random secret from the OS CSPRNG (ring's `SystemRandom`).
    ///
    /// # Errors
    /// [`TotpError::Random`] if the random generator fails.
    pub fn generate() -> Result<Self, TotpError> {
        let mut secret = Self {
            bytes: [0u8; SECRET_LEN],
        };
        SystemRandom::new()
            .fill(&mut secret.bytes)
            .map_err(|_| TotpError::Random)?;
        Ok(secret)
    }

    /// Loads a stored secret (e.g. after decrypting it from the database).
    ///
    /// # Errors
    /// [`TotpError::SecretLength`] unless `bytes` is exactly [`SECRET_LEN`] long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TotpError> {
        let mut secret = Self {
            bytes: [0u8; SECRET_LEN],
        };
        if bytes.len() != SECRET_LEN {
            return Err(TotpError::SecretLength(bytes.len()));
        }
        secret.bytes.copy_from_slice(bytes);
        Ok(secret)
    }

    /// The raw secret bytes, e.g. to encrypt and store them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.bytes
    }

    /// The secret as unpadded RFC 4648 base32 (32 characters), the form people type into an
    /// authenticator app when they cannot scan the QR code.
    #[must_use]
    pub fn to_base32(&self) -> String {
        Secret::new_stack(self.bytes).to_base32()
    }

    /// The `totp-rs` generator for this secret with the fixed parameters of this module.
    fn totp(&self) -> Option<Totp> {
        totp_with_digits(&self.bytes, DIGITS)
    }
}

impl Drop for TotpSecret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// SHA-1, 30 s steps and the given number of digits (6 in production; 8 for the RFC vectors).
/// `None` only if `totp-rs` refuses the configuration, which cannot happen for 20 bytes and
/// 6–8 digits.
fn totp_with_digits(secret: &[u8], digits: usize) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(u8::try_from(digits).ok()?)
        .with_skew(0)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret)
        .build()
        .ok()
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            for nibble in [byte >> 4, byte & 0x0f] {
                out.push(HEX.get(usize::from(nibble)).map_or('0', |&h| char::from(h)));
            }
        }
    }
    out
}

/// The `otpauth://totp/…` URI an authenticator app reads from the QR code, e.g.
/// `otpauth://totp/vejviser:ada%40example.org?secret=…&issuer=vejviser&algorithm=SHA1&digits=6&period=30`.
///
/// `issuer` is the service name ("vejviser"), `account` the staff e-mail address; both are
/// percent-encoded. The Key URI format uses `:` to separate them and forbids it inside either,
/// so any `:` in them is dropped (e-mail addresses in practice never contain one).
/// The URI contains the secret: do not log it.
#[must_use]
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(&issuer.replace(':', ""));
    let account = percent_encode(&account.replace(':', ""));
    let mut base32 = secret.to_base32();
    let uri = format!(
        "otpauth://totp/{issuer}:{account}?secret={base32}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    );
    base32.zeroize();
    uri
}

/// Escapes text for use inside a double-quoted XML attribute.
fn xml_attr_escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders `uri` as a QR code in SVG, ready to be inlined into HTML: black modules on white with
/// the standard 4-module quiet zone, at least [`QR_MIN_SIZE_PX`] pixels square, error correction
/// level M, no XML declaration, no `style=` attribute (only `fill`), and `role="img"` with the
/// given `aria_label` (escaped here; pass the translated text, e.g. "QR code for your
/// authenticator app").
///
/// # Errors
/// [`TotpError::Qr`] if `uri` is too long for a QR code (thousands of bytes; an otpauth URI is
/// far below that).
pub fn qr_svg(uri: &str, aria_label: &str) -> Result<String, TotpError> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M)?;
    let rendered = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .min_dimensions(QR_MIN_SIZE_PX, QR_MIN_SIZE_PX)
        .build();
    // Drop the `<?xml …?>` declaration (meaningless inside HTML) and add the accessibility
    // attributes to the root element.
    let svg_start = rendered.find("<svg").unwrap_or(0);
    let body = rendered.get(svg_start..).unwrap_or(&rendered);
    let attrs = format!(
        r#"<svg role="img" aria-label="{}""#,
        xml_attr_escape(aria_label)
    );
    Ok(body.replacen("<svg", &attrs, 1))
}

/// Normalises user input to exactly [`DIGITS`] ASCII digits: whitespace anywhere is removed
/// (apps show codes as "123 456"); anything else that is not a digit rejects the input.
fn normalise_code(code: &str) -> Option<[u8; DIGITS]> {
    let mut out = [0u8; DIGITS];
    let mut n = 0;
    for c in code.chars().filter(|c| !c.is_whitespace()) {
        if !c.is_ascii_digit() || n == DIGITS {
            return None;
        }
        *out.get_mut(n)? = u8::try_from(c).ok()?;
        n += 1;
    }
    (n == DIGITS).then_some(out)
}

/// Checks a 6-digit `code` at `unix_time` (seconds since the Unix epoch, from the caller's
/// clock).
///
/// Accepts the code of the current 30 s step or of one step either side, and returns the step
/// number that matched; store it and pass it as `last_used_step` on the next call. A step at or
/// before `last_used_step` is refused, so every code works at most once (RFC 6238 §5.2).
/// Spaces in the input are ignored; any other non-digit, or a wrong length, gives `None`.
/// All candidate steps are computed and compared in constant time, whichever matches.
#[must_use]
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_time: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let given = normalise_code(code)?;
    let totp = secret.totp()?;
    let current = unix_time / STEP_SECONDS;
    let mut found = None;
    for step in current.saturating_sub(SKEW_STEPS)..=current.saturating_add(SKEW_STEPS) {
        let Some(at) = step.checked_mul(STEP_SECONDS) else {
            continue;
        };
        let expected = totp.generate(at).to_string();
        let same: Choice = expected.as_bytes().ct_eq(&given[..]);
        let fresh = last_used_step.is_none_or(|last| step > last);
        if bool::from(same) && fresh && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8; 20] = b"12345678901234567890";

    /// RFC 6238 Appendix B, SHA-1 column.
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(RFC_SECRET).unwrap()
    }

    /// The 6-digit code this module expects at `unix_time` (test helper).
    fn code_at(secret: &TotpSecret, unix_time: u64) -> String {
        secret.totp().unwrap().generate(unix_time).to_string()
    }

    #[test]
    fn rfc6238_sha1_vectors_eight_digits() {
        let totp = totp_with_digits(RFC_SECRET, 8).unwrap();
        for (t, expected) in RFC_VECTORS {
            assert_eq!(totp.generate(t).to_string(), expected, "T = {t}");
        }
    }

    #[test]
    fn rfc6238_sha1_vectors_six_digits_are_the_last_six() {
        let secret = rfc_secret();
        for (t, expected8) in RFC_VECTORS {
            let expected6 = &expected8[2..];
            assert_eq!(code_at(&secret, t), expected6, "T = {t}");
            assert_eq!(verify(&secret, expected6, t, None), Some(t / 30), "T = {t}");
        }
    }

    #[test]
    fn adjacent_steps_accepted_and_two_away_rejected() {
        let secret = rfc_secret();
        let now = 1_234_567_890; // step 41152263
        let step = now / 30;
        let prev = code_at(&secret, now - 30);
        let next = code_at(&secret, now + 30);
        assert_eq!(verify(&secret, &prev, now, None), Some(step - 1));
        assert_eq!(verify(&secret, &next, now, None), Some(step + 1));
        let two_back = code_at(&secret, now - 60);
        let two_ahead = code_at(&secret, now + 60);
        assert_eq!(verify(&secret, &two_back, now, None), None);
        assert_eq!(verify(&secret, &two_ahead, now, None), None);
    }

    #[test]
    fn replay_is_rejected() {
        let secret = rfc_secret();
        let now = 1_111_111_111;
        let code = code_at(&secret, now);
        let used = verify(&secret, &code, now, None).unwrap();
        assert_eq!(verify(&secret, &code, now, Some(used)), None);
        assert_eq!(verify(&secret, &code, now + 10, Some(used)), None);
        // An older code is refused once a newer step has been used…
        let prev = code_at(&secret, now - 30);
        assert_eq!(verify(&secret, &prev, now, Some(used)), None);
        // …while the next step's code still works.
        let next = code_at(&secret, now + 30);
        assert_eq!(verify(&secret, &next, now + 30, Some(used)), Some(used + 1));
    }

    #[test]
    fn garbage_is_rejected() {
        let secret = rfc_secret();
        let now = 59;
        let good = code_at(&secret, now);
        assert_eq!(good, "287082");
        for bad in [
            "",
            "      ",
            "28708",
            "2870820",
            "28708a",
            "+28708",
            "-28708",
            "287.08",
            "２８７０８２",
            "287082\0",
            "0x1234",
            "28 70 8",
        ] {
            assert_eq!(verify(&secret, bad, now, None), None, "{bad:?}");
        }
        // Spaces are fine.
        assert_eq!(verify(&secret, " 287 082 ", now, None), Some(1));
        assert_eq!(verify(&secret, "287082\n", now, None), Some(1));
        // A right-format wrong code is rejected.
        assert_eq!(verify(&secret, "287083", now, None), None);
    }

    #[test]
    fn extreme_times_do_not_panic() {
        let secret = rfc_secret();
        let _ = verify(&secret, "000000", 0, None);
        let _ = verify(&secret, "123456", u64::MAX, None);
        let _ = verify(&secret, "123456", u64::MAX, Some(u64::MAX));
        let code = code_at(&secret, 0);
        assert_eq!(verify(&secret, &code, 0, None), Some(0));
    }

    #[test]
    fn secrets() {
        let a = TotpSecret::generate().unwrap();
        let b = TotpSecret::generate().unwrap();
        assert_ne!(a.as_bytes(), b.as_bytes());
        assert_eq!(a.to_base32().len(), 32);
        assert!(
            a.to_base32()
                .chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
        let again = TotpSecret::from_bytes(a.as_bytes()).unwrap();
        assert_eq!(again.as_bytes(), a.as_bytes());
        assert!(matches!(
            TotpSecret::from_bytes(&[0u8; 16]),
            Err(TotpError::SecretLength(16))
        ));
        assert_eq!(rfc_secret().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let debug = format!("{a:?}");
        assert_eq!(debug, "TotpSecret(<redacted>)");
        assert!(!debug.contains(&a.to_base32()));
    }

    #[test]
    fn otpauth_uri_contents() {
        let secret = rfc_secret();
        let uri = otpauth_uri(&secret, "vejviser", "ada.lovelace+staff@example.org");
        assert_eq!(
            uri,
            "otpauth://totp/vejviser:ada.lovelace%2Bstaff%40example.org\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=vejviser\
             &algorithm=SHA1&digits=6&period=30"
        );
        // totp-rs (what an app does) reads it back to the same generator.
        let parsed = Totp::from_url(&uri).unwrap();
        assert_eq!(parsed.issuer(), Some("vejviser"));
        assert_eq!(parsed.account_name(), "ada.lovelace+staff@example.org");
        assert_eq!(parsed.secret().as_bytes(), RFC_SECRET);
        assert_eq!(parsed.digits(), 6);
        assert_eq!(parsed.step(), 30);
        assert_eq!(parsed.generate(59).to_string(), "287082");
    }

    #[test]
    fn otpauth_uri_encodes_awkward_input() {
        let secret = rfc_secret();
        let uri = otpauth_uri(&secret, "vej viser", "a:b ø&x=y@example.org");
        assert!(uri.starts_with("otpauth://totp/vej%20viser:ab%20%C3%B8%26x%3Dy%40example.org?"));
        assert!(uri.contains("&issuer=vej%20viser&"));
        let parsed = Totp::from_url(&uri).unwrap();
        assert_eq!(parsed.issuer(), Some("vej viser"));
        assert_eq!(parsed.account_name(), "ab ø&x=y@example.org");
    }

    #[test]
    fn qr_svg_is_inline_safe() {
        let uri = otpauth_uri(&rfc_secret(), "vejviser", "ada@example.org");
        let svg = qr_svg(&uri, "QR code \"for\" <your> app & more").unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR code &quot;for&quot; &lt;your&gt; app &amp; more\" xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
        assert!(!svg.contains("style="));
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains(r##"fill="#000000""##));
        assert!(svg.contains(r##"fill="#ffffff""##));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), 1);
        // At least the minimum size, and square.
        let width = attr_u32(&svg, "width");
        let height = attr_u32(&svg, "height");
        assert!(width >= QR_MIN_SIZE_PX, "{width}");
        assert_eq!(width, height);
    }

    #[test]
    fn qr_svg_rejects_oversized_input() {
        let huge = "x".repeat(10_000);
        assert!(matches!(qr_svg(&huge, "QR"), Err(TotpError::Qr(_))));
    }

    fn attr_u32(svg: &str, name: &str) -> u32 {
        let needle = format!(" {name}=\"");
        let start = svg.find(&needle).unwrap() + needle.len();
        let end = start + svg[start..].find('"').unwrap();
        svg[start..end].parse().unwrap()
    }
}

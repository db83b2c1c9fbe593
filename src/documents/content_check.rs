//! The whole file must be what its first bytes said it is. Sniffing decides the type from the
//! prefix; this follows every later piece as it is encrypted and, at the end, says whether the
//! file kept its word: `text/plain` is valid UTF-8 text to the last byte (a character may span
//! two pieces), and every binary type ends the way its format ends (a PDF's `%%EOF`, a ZIP
//! package's end-of-central-directory record, PNG's `IEND` chunk, JPEG's end-of-image marker).
//! These are the checks a reader makes first; no format is parsed further. Memory holds at most
//! one trailer window (64 KiB + 22 bytes for ZIP), whatever the file's size.

use crate::domain::file_type::FileType;

/// Why a file is not what it started out as (logged; the user hears it is not a `found`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Not UTF-8, a NUL or another control character, after a text prefix.
    NotText,
    /// The format's closing mark is missing: truncated, or something else after a real header.
    NoTrailer,
}

impl Mismatch {
    /// The problem's `mismatch` member.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotText => "not_text",
            Self::NoTrailer => "no_trailer",
        }
    }
}

/// Follows one file's bytes after its type was sniffed.
pub struct ContentCheck {
    file_type: FileType,
    /// Text: the start of a character cut off at the end of the last piece (at most 3 bytes).
    carry: Vec<u8>,
    /// Binary types: the last bytes seen, up to the format's trailer window.
    tail: Vec<u8>,
    failed: Option<Mismatch>,
}

/// Where a format's closing mark must be: its bytes, and how far from the end it may start.
fn trailer(file_type: FileType) -> Option<(&'static [u8], usize)> {
    match file_type {
        // PDF readers look for `%%EOF` in the last 1024 bytes (PDF 32000 §7.5.5, Annex H).
        FileType::Pdf => Some((b"%%EOF", 1024)),
        // The end-of-central-directory record: 22 bytes, then a comment of at most 65535.
        FileType::Docx | FileType::Xlsx | FileType::Odt => Some((b"PK\x05\x06", 22 + 65_535)),
        // The IEND chunk (type, no data, its CRC) closes every PNG.
        FileType::Png => Some((b"IEND\xaeB`\x82", 8)),
        // End of image; cameras may append a little (a second thumbnail's tail, padding).
        FileType::Jpeg => Some((b"\xff\xd9", 1024)),
        FileType::Text => None,
    }
}

impl ContentCheck {
    pub fn new(file_type: FileType) -> Self {
        Self {
            file_type,
            carry: Vec::new(),
            tail: Vec::new(),
            failed: None,
        }
    }

    /// Takes the next piece of the file (the sniffed prefix first).
    pub fn update(&mut self, piece: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        match trailer(self.file_type) {
            None => self.update_text(piece),
            Some((_, window)) => {
                self.tail.extend_from_slice(piece);
                let excess = self.tail.len().saturating_sub(window);
                self.tail.drain(..excess);
            }
        }
    }

    /// Checks `piece` where the last one left off: a character begun at the end of the previous
    /// piece (`carry`, at most three bytes) is completed from this one's first bytes, and the
    /// rest is validated in place (no copy of the piece: this runs over every byte uploaded).
    fn update_text(&mut self, piece: &[u8]) {
        let mut rest = piece;
        if let Some(&lead) = self.carry.first() {
            let need = utf8_len(lead).saturating_sub(self.carry.len());
            if rest.len() < need {
                self.carry.extend_from_slice(rest);
                return;
            }
            let mut char_bytes = std::mem::take(&mut self.carry);
            char_bytes.extend_from_slice(&rest[..need]);
            if !std::str::from_utf8(&char_bytes).is_ok_and(|c| is_text(c.as_bytes())) {
                self.failed = Some(Mismatch::NotText);
                return;
            }
            rest = &rest[need..];
        }
        let valid_up_to = match std::str::from_utf8(rest) {
            Ok(_) => rest.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                self.failed = Some(Mismatch::NotText);
                return;
            }
        };
        if !is_text(&rest[..valid_up_to]) {
            self.failed = Some(Mismatch::NotText);
            return;
        }
        self.carry = rest[valid_up_to..].to_vec();
    }

    pub fn finish(self) -> Result<(), Mismatch> {
        if let Some(failed) = self.failed {
            return Err(failed);
        }
        match trailer(self.file_type) {
            None if self.carry.is_empty() => Ok(()),
            None => Err(Mismatch::NotText),
            Some((mark, _)) if self.tail.windows(mark.len()).any(|w| w == mark) => Ok(()),
            Some(_) => Err(Mismatch::NoTrailer),
        }
    }
}

/// Text is printable characters, tab, line breaks and form feed (as the sniffer has it).
pub fn is_text_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}')
}

/// `is_text_char` for every character of `valid` (which must be valid UTF-8), byte by byte: the
/// control characters are U+0000-U+001F and U+007F (single bytes) and U+0080-U+009F (0xC2 then
/// 0x80-0x9F), so a scan of the bytes finds them without decoding a character.
fn is_text(valid: &[u8]) -> bool {
    // One pass with no early exit and no branch, which the compiler turns into vector
    // instructions: the check then costs a fraction of the upload's SHA-256.
    let (mut control, mut c2) = (0u8, 0u8);
    for &b in valid {
        let allowed_c0 = u8::from(b == b'\t')
            | u8::from(b == b'\n')
            | u8::from(b == b'\r')
            | u8::from(b == 0x0c);
        control |= (u8::from(b < 0x20) & !allowed_c0 & 1) | u8::from(b == 0x7f);
        c2 |= u8::from(b == 0xc2);
    }
    control == 0
        && (c2 == 0
            || !valid
                .windows(2)
                .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])))
}

/// How long the UTF-8 sequence that `lead` begins is (1 for a byte that begins none: the
/// validation then refuses it).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file_type: FileType, pieces: &[&[u8]]) -> Result<(), Mismatch> {
        let mut check = ContentCheck::new(file_type);
        for piece in pieces {
            check.update(piece);
        }
        check.finish()
    }

    #[test]
    fn text_is_checked_to_the_last_byte_across_pieces() {
        let ae = "æ".as_bytes();
        assert_eq!(
            check(FileType::Text, &[b"plan ", &ae[..1], &ae[1..]]),
            Ok(())
        );
        let euro = "€".as_bytes();
        assert_eq!(
            check(
                FileType::Text,
                &[&euro[..1], &euro[1..2], &euro[2..], b"\n"]
            ),
            Ok(())
        );
        assert_eq!(check(FileType::Text, &[]), Ok(()), "empty is text");
        assert_eq!(
            check(FileType::Text, &[b"tekst ", &ae[..1]]),
            Err(Mismatch::NotText),
            "ends inside a character"
        );
        assert_eq!(
            check(FileType::Text, &[b"tekst\n", b"MZ\x90\0\x03"]),
            Err(Mismatch::NotText)
        );
        assert_eq!(
            check(FileType::Text, &[b"tekst", b"\xff\xfe"]),
            Err(Mismatch::NotText)
        );
        assert_eq!(
            check(FileType::Text, &[b"a\x1b[31m"]),
            Err(Mismatch::NotText)
        );
        assert_eq!(
            check(FileType::Text, &[b"a", b"\0"]),
            Err(Mismatch::NotText)
        );
    }

    proptest::proptest! {
        /// Piece by piece, the check says what checking the whole file at once says.
        #[test]
        fn pieces_agree_with_the_whole(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                proptest::prelude::any::<u8>(),
                proptest::sample::select(vec![b'a', b'\n', 0xc2, 0x85, 0xa0, 0xc3, 0xa6, 0xe2, 0x82, 0xac, 0xf0, 0x9f]),
            ], 0..64),
            cuts in proptest::collection::vec(0usize..64, 0..6),
        ) {
            let whole = std::str::from_utf8(&bytes).is_ok_and(|t| t.chars().all(is_text_char));
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c <= bytes.len()).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut at = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                pieces.push(&bytes[at..cut]);
                at = cut;
            }
            proptest::prop_assert_eq!(check(FileType::Text, &pieces).is_ok(), whole);
        }
    }

    #[test]
    fn binary_types_must_end_as_their_format_ends() {
        let mut long = b"%PDF-1.7\n".to_vec();
        long.extend(vec![b'x'; 200_000]);
        long.extend_from_slice(b"\n%%EOF\n");
        let (head, rest) = long.split_at(70_000);
        assert_eq!(check(FileType::Pdf, &[head, rest]), Ok(()));
        assert_eq!(
            check(FileType::Pdf, &[&long[..150_000]]),
            Err(Mismatch::NoTrailer),
            "truncated"
        );
        let mut eof_far_from_end = long.clone();
        eof_far_from_end.extend(vec![0u8; 2000]);
        assert_eq!(
            check(FileType::Pdf, &[&eof_far_from_end]),
            Err(Mismatch::NoTrailer),
            "a PDF header on something else"
        );
        // The mark split across two pieces is still found.
        assert_eq!(
            check(FileType::Docx, &[b"PK\x03\x04..PK\x05", b"\x06rest"]),
            Ok(())
        );
        assert_eq!(
            check(FileType::Xlsx, &[b"PK\x03\x04 no directory"]),
            Err(Mismatch::NoTrailer)
        );
        assert_eq!(
            check(FileType::Png, &[b"\x89PNG....", b"\0\0\0\0IEND\xaeB`\x82"]),
            Ok(())
        );
        assert_eq!(
            check(FileType::Png, &[b"\x89PNG....IEND\xaeB`\x82", b"junk"]),
            Err(Mismatch::NoTrailer)
        );
        assert_eq!(
            check(FileType::Jpeg, &[b"\xff\xd8\xff\xe0", b"\xff\xd9"]),
            Ok(())
        );
        assert_eq!(
            check(FileType::Jpeg, &[b"\xff\xd8\xff\xe0 cut"]),
            Err(Mismatch::NoTrailer)
        );
    }
}

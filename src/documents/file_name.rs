//! The file name a download is offered under: the uploader's name with any path, control,
//! direction-changing, zero-width and line-separator characters removed, kept in Unicode ("Mål og
//! aftaler.pdf" stays as it is), ending in an extension of the type the bytes were sniffed as
//! (`Referat.pdf.hta` holding text is offered as `Referat.pdf.hta.txt`, so the reader's system
//! opens it as what it is), and short enough for every file system. It is only ever shown and
//! sent in a header; no storage path is made from it.

use crate::domain::file_type::FileType;

/// Longest name kept, in characters (file systems allow 255 bytes; Danish letters take two).
pub const MAX_CHARS: usize = 120;
const FALLBACK: &str = "dokument";

/// The name to store for a file called `raw` by its uploader whose bytes are a `file_type`.
pub fn sanitise(raw: &str, file_type: FileType) -> String {
    // Browsers on Windows may send a whole path; keep its last part only.
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !is_hidden(*c)).collect();
    let trimmed = cleaned.trim().trim_matches('.').trim();
    let named = if trimmed.is_empty() {
        FALLBACK
    } else {
        trimmed
    };
    let shortened = shorten(&with_extension(named, file_type));
    if is_reserved_on_windows(&shortened) {
        format!("_{shortened}")
    } else {
        shortened
    }
}

/// `name` if it already ends in one of `file_type`'s extensions (in any case), else `name` with
/// the type's usual extension added. Also applied when a download is offered, so names stored
/// before this rule get it too.
pub fn with_extension(name: &str, file_type: FileType) -> String {
    let lower = name.to_lowercase();
    let extensions = file_type.extensions();
    if extensions.iter().any(|ext| lower.ends_with(ext)) {
        name.to_owned()
    } else {
        format!("{name}{}", extensions[0])
    }
}

/// What never belongs in a file name: control characters, and invisible ones that change how a
/// name reads (direction controls, zero-width characters, line and paragraph separators).
fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c)
}

/// Zero-width characters (hide a `.exe` among look-alikes, split words that filters look for)
/// and the line and paragraph separators (break a name across lines where it is shown).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{2028}' | '\u{2029}'
    )
}

/// Invisible characters that reorder text, used to disguise "exe.pdf" as "fdp.exe".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Cuts an over-long name in its stem so the extension survives.
fn shorten(name: &str) -> String {
    if name.chars().count() <= MAX_CHARS {
        return name.to_owned();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, Some(ext)),
        _ => (name, None),
    };
    let room = MAX_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match extension {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem.trim_end().to_owned(),
    }
}

fn is_reserved_on_windows(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileType::{Docx, Jpeg, Pdf, Text};

    #[test]
    fn keeps_danish_names_and_strips_paths() {
        assert_eq!(sanitise("Mål og aftaler.pdf", Pdf), "Mål og aftaler.pdf");
        assert_eq!(sanitise("../../etc/passwd", Text), "passwd.txt");
        assert_eq!(
            sanitise(r"C:\Users\karen\Netværkskort.docx", Docx),
            "Netværkskort.docx"
        );
        assert_eq!(sanitise("/", Pdf), "dokument.pdf");
        assert_eq!(sanitise("..", Text), "dokument.txt");
        assert_eq!(sanitise("  ", Text), "dokument.txt");
        assert_eq!(sanitise(".hidden", Text), "hidden.txt");
    }

    #[test]
    fn removes_control_and_direction_characters() {
        assert_eq!(sanitise("plan\r\n\0.pdf", Pdf), "plan.pdf");
        assert_eq!(sanitise("report\u{202e}fdp.exe", Pdf), "reportfdp.exe.pdf");
        assert_eq!(sanitise("a\u{1b}[31mb.txt", Text), "a[31mb.txt");
        assert_eq!(sanitise("plan\u{61c}.pdf", Pdf), "plan.pdf");
    }

    #[test]
    fn removes_zero_width_and_line_separator_characters() {
        for hidden in [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{2028}', '\u{2029}',
        ] {
            assert_eq!(
                sanitise(&format!("Re{hidden}ferat.p{hidden}df"), Pdf),
                "Referat.pdf",
                "{hidden:?}"
            );
        }
        assert_eq!(sanitise("\u{feff}\u{200b}", Text), "dokument.txt");
    }

    #[test]
    fn the_extension_matches_the_sniffed_type() {
        assert_eq!(sanitise("Referat.pdf.hta", Text), "Referat.pdf.hta.txt");
        assert_eq!(sanitise("Referat.pdf", Text), "Referat.pdf.txt");
        assert_eq!(
            sanitise("scan.PDF", Pdf),
            "scan.PDF",
            "a right extension is kept"
        );
        assert_eq!(sanitise("foto.jpeg", Jpeg), "foto.jpeg");
        assert_eq!(sanitise("foto.JPG", Jpeg), "foto.JPG");
        assert_eq!(sanitise("foto", Jpeg), "foto.jpg");
        assert_eq!(sanitise("plan.docx", Pdf), "plan.docx.pdf");
        assert_eq!(with_extension("noter.txt", Text), "noter.txt");
    }

    #[test]
    fn shortens_in_the_stem_and_guards_windows_names() {
        let long = format!("{}.pdf", "æ".repeat(300));
        let short = sanitise(&long, Pdf);
        assert_eq!(short.chars().count(), MAX_CHARS);
        assert!(short.ends_with("æ.pdf"));
        let added = sanitise(&"æ".repeat(300), Pdf);
        assert_eq!(added.chars().count(), MAX_CHARS);
        assert!(
            added.ends_with("æ.pdf"),
            "the added extension survives shortening"
        );
        assert_eq!(sanitise("CON.txt", Text), "_CON.txt");
        assert_eq!(sanitise("com1", Text), "_com1.txt");
        assert_eq!(sanitise("console.txt", Text), "console.txt");
    }
}

//! The file name a download is offered under: the uploader's name with any path, control and
//! direction-changing characters removed, kept in Unicode ("Mål og aftaler.pdf" stays as it is),
//! and short enough for every file system. It is only ever shown and sent in a header; no storage
//! path is made from it.

/// Longest name kept, in characters (file systems allow 255 bytes; Danish letters take two).
pub const MAX_CHARS: usize = 120;
const FALLBACK: &str = "dokument";

pub fn sanitise(raw: &str) -> String {
    // Browsers on Windows may send a whole path; keep its last part only.
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let trimmed = cleaned.trim().trim_matches('.').trim();
    if trimmed.is_empty() {
        return FALLBACK.to_owned();
    }
    let shortened = shorten(trimmed);
    if is_reserved_on_windows(&shortened) {
        format!("_{shortened}")
    } else {
        shortened
    }
}

/// Invisible characters that reorder text, used to disguise "exe.pdf" as "fdp.exe".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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

    #[test]
    fn keeps_danish_names_and_strips_paths() {
        assert_eq!(sanitise("Mål og aftaler.pdf"), "Mål og aftaler.pdf");
        assert_eq!(sanitise("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitise(r"C:\Users\karen\Netværkskort.docx"),
            "Netværkskort.docx"
        );
        assert_eq!(sanitise("/"), FALLBACK);
        assert_eq!(sanitise(".."), FALLBACK);
        assert_eq!(sanitise("  "), FALLBACK);
        assert_eq!(sanitise(".hidden"), "hidden");
    }

    #[test]
    fn removes_control_and_direction_characters() {
        assert_eq!(sanitise("plan\r\n\0.pdf"), "plan.pdf");
        assert_eq!(sanitise("report\u{202e}fdp.exe"), "reportfdp.exe");
        assert_eq!(sanitise("a\u{1b}[31mb.txt"), "a[31mb.txt");
    }

    #[test]
    fn shortens_in_the_stem_and_guards_windows_names() {
        let long = format!("{}.pdf", "æ".repeat(300));
        let short = sanitise(&long);
        assert_eq!(short.chars().count(), MAX_CHARS);
        assert!(short.ends_with("æ.pdf"));
        assert_eq!(sanitise("CON.txt"), "_CON.txt");
        assert_eq!(sanitise("com1"), "_com1");
        assert_eq!(sanitise("console.txt"), "console.txt");
    }
}

//! The content type of an upload, read from its first bytes, never from the name or the header
//! the browser sent: what a file *is* decides whether it is accepted (415 otherwise).

/// How many leading bytes are examined. Office files name their parts in the first few ZIP
/// entries, which sit well inside this.
pub const SNIFF_LEN: usize = 64 * 1024;

use crate::domain::file_type::FileType;

/// The content type of a file starting with `prefix` (the whole file when it is shorter than
/// `SNIFF_LEN`), or None when it is nothing recognised.
pub fn sniff(prefix: &[u8], is_whole_file: bool) -> Option<FileType> {
    use infer::{archive, image, odf};
    let found = [
        (archive::is_pdf as fn(&[u8]) -> bool, FileType::Pdf),
        (is_docx, FileType::Docx),
        (is_xlsx, FileType::Xlsx),
        (odf::is_odt, FileType::Odt),
        (image::is_png, FileType::Png),
        (image::is_jpeg, FileType::Jpeg),
    ]
    .into_iter()
    .find(|(matches, _)| matches(prefix))
    .map(|(_, found)| found);
    found.or_else(|| is_text(prefix, is_whole_file).then_some(FileType::Text))
}

/// A refused kind of file people often have at hand, recognised so the refusal can say what to do
/// with it: a photo from an iPhone, or a document from an Office older than 2007.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Familiar {
    /// HEIF/HEIC (and AVIF): the ISO base media `ftyp` box with an image brand.
    IphonePhoto,
    /// The OLE compound file of `.doc`, `.xls` and `.ppt`.
    OldOffice,
}

/// What a refused file is, when it is one of the familiar kinds.
pub fn familiar(prefix: &[u8]) -> Option<Familiar> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    const IMAGE_BRANDS: [&[u8]; 8] = [
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"avif",
    ];
    if prefix.starts_with(OLE) {
        return Some(Familiar::OldOffice);
    }
    let brand = prefix.get(8..12)?;
    (prefix.get(4..8) == Some(b"ftyp") && IMAGE_BRANDS.contains(&brand))
        .then_some(Familiar::IphonePhoto)
}

fn is_docx(prefix: &[u8]) -> bool {
    office_parts(prefix).is_some_and(|names| names.iter().any(|n| n.starts_with(b"word/")))
}

fn is_xlsx(prefix: &[u8]) -> bool {
    office_parts(prefix).is_some_and(|names| names.iter().any(|n| n.starts_with(b"xl/")))
}

/// The entry names of a ZIP file that is an Office Open XML package (it has a
/// `[Content_Types].xml` part), as far as the prefix reaches. infer's check looks at the third
/// and fourth entries only, and Word, Excel and LibreOffice order their parts differently, so
/// this reads every local file header's name instead.
fn office_parts(prefix: &[u8]) -> Option<Vec<&[u8]>> {
    const HEADER: &[u8] = b"PK\x03\x04";
    if !prefix.starts_with(HEADER) {
        return None;
    }
    let names: Vec<&[u8]> = prefix
        .windows(HEADER.len())
        .enumerate()
        .filter(|(_, window)| *window == HEADER)
        .filter_map(|(at, _)| {
            let length = u16::from_le_bytes([*prefix.get(at + 26)?, *prefix.get(at + 27)?]);
            prefix.get(at + 30..at + 30 + usize::from(length))
        })
        .collect();
    names
        .iter()
        .any(|name| *name == b"[Content_Types].xml")
        .then_some(names)
}

/// UTF-8 text with no control characters but tab, line breaks and form feed. A prefix may end
/// inside a multi-byte character; a whole file may not.
fn is_text(bytes: &[u8], is_whole_file: bool) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if !is_whole_file && e.error_len().is_none() => {
            // Cut mid-character at the end of the prefix: the valid part decides.
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid.chars().all(super::content_check::is_text_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iphone_photos_and_old_office_files_are_recognised_for_the_refusal() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(familiar(heic), Some(Familiar::IphonePhoto));
        let doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(familiar(&doc), Some(Familiar::OldOffice));
        // An MP4 video has the same box but a video brand; plain text is nothing familiar.
        assert_eq!(familiar(b"\0\0\0\x18ftypisom\0\0\0\0"), None);
        assert_eq!(familiar(b"hello"), None);
        assert_eq!(sniff(heic, true), None, "HEIC is not an accepted type");
    }

    /// A ZIP local file header for an entry called `name` with `size` stored bytes, then those.
    fn zip_entry(name: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"PK\x03\x04".to_vec();
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn office(part_folder: &str) -> Vec<u8> {
        let mut file = zip_entry("[Content_Types].xml", b"<Types/>");
        file.extend(zip_entry("_rels/.rels", b"<Relationships/>"));
        file.extend(zip_entry(&format!("{part_folder}document.xml"), b"<x/>"));
        file
    }

    #[test]
    fn recognises_the_default_allow_list_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...", false), Some(FileType::Pdf));
        assert_eq!(sniff(&office("word/"), false), Some(FileType::Docx));
        // LibreOffice writes the metadata parts first.
        let mut libre = zip_entry("_rels/.rels", b"<r/>");
        libre.extend(zip_entry("docProps/app.xml", b"<a/>"));
        libre.extend(zip_entry("word/document.xml", b"<d/>"));
        libre.extend(zip_entry("[Content_Types].xml", b"<t/>"));
        assert_eq!(sniff(&libre, false), Some(FileType::Docx));
        assert_eq!(sniff(&office("xl/"), false), Some(FileType::Xlsx));
        let mut odt = zip_entry("mimetype", b"application/vnd.oasis.opendocument.text");
        odt.extend(zip_entry("content.xml", b"<x/>"));
        assert_eq!(sniff(&odt, false), Some(FileType::Odt));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", false),
            Some(FileType::Png)
        );
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0\0\x10JFIF", false),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            sniff("Mål og aftaler\r\n\tæøå".as_bytes(), true),
            Some(FileType::Text)
        );
        assert_eq!(
            sniff(b"", true),
            Some(FileType::Text),
            "an empty file is empty text"
        );
    }

    #[test]
    fn refuses_binaries_and_other_archives_whatever_they_are_called() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0", false), None, "an .exe");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01", false), None);
        assert_eq!(
            sniff(&zip_entry("evil.sh", b"rm -rf /"), false),
            None,
            "a plain zip"
        );
        let no_types = zip_entry("word/document.xml", b"<x/>");
        assert_eq!(
            sniff(&no_types, false),
            None,
            "not a package without its content types"
        );
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00\x80\x00\x00", false), None);
        assert_eq!(sniff(b"text with a NUL\0", true), None);
        assert_eq!(
            sniff(b"\x1b[31mred", true),
            None,
            "escape codes are not text"
        );
    }

    #[test]
    fn a_prefix_may_end_inside_a_character_but_a_whole_file_may_not() {
        let cut = &"æ".as_bytes()[..1];
        let prefix = [b"tekst ".as_slice(), cut].concat();
        assert_eq!(sniff(&prefix, false), Some(FileType::Text));
        assert_eq!(sniff(&prefix, true), None);
        assert_eq!(sniff(b"\xff\xfe broken", true), None);
    }
}

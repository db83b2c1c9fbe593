//! The types of file vejviser accepts, as sniffed from their bytes (`documents::sniff`). The
//! configuration's `documents.allowed_types` lists them by media type and is parsed into these
//! once, at start-up.

use super::unknown_value::{UnknownValue, words};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Png,
    Jpeg,
    Text,
}

words!(FileType, "file type", {
    Pdf => "application/pdf",
    Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Odt => "application/vnd.oasis.opendocument.text",
    Png => "image/png",
    Jpeg => "image/jpeg",
    Text => "text/plain",
});

impl TryFrom<String> for FileType {
    type Error = UnknownValue;

    fn try_from(media_type: String) -> Result<Self, UnknownValue> {
        media_type.parse()
    }
}

impl FileType {
    /// The media type (`as_str`): what is stored and sent as `Content-Type`.
    pub fn media_type(self) -> &'static str {
        self.as_str()
    }

    /// A short name for the message catalogue (`filetype.<name>`).
    pub fn short_name(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Odt => "odt",
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Text => "text",
        }
    }

    /// The file name extensions the type usually has: what a browser's file picker offers.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &[".pdf"],
            Self::Docx => &[".docx"],
            Self::Xlsx => &[".xlsx"],
            Self::Odt => &[".odt"],
            Self::Png => &[".png"],
            Self::Jpeg => &[".jpg", ".jpeg"],
            Self::Text => &[".txt"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_media_type() {
        for file_type in FileType::ALL {
            assert_eq!(file_type.media_type().parse::<FileType>(), Ok(*file_type));
            assert!(!file_type.extensions().is_empty());
        }
        assert!("application/x-msdownload".parse::<FileType>().is_err());
    }

    #[test]
    fn configuration_names_them_by_media_type() {
        #[derive(Deserialize)]
        struct Settings {
            allowed: Vec<FileType>,
        }
        let ok: Settings = toml::from_str(r#"allowed = ["application/pdf", "text/plain"]"#)
            .expect("known media types parse");
        assert_eq!(ok.allowed, [FileType::Pdf, FileType::Text]);
        let refused = toml::from_str::<Settings>(r#"allowed = ["image/heic"]"#)
            .err()
            .expect("an unknown type is refused");
        assert!(refused.to_string().contains("image/heic"), "{refused}");
    }
}

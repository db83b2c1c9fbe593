//! The message catalogue: Danish first, English second. Every text a page shows comes from
//! `i18n/<lang>.toml` (embedded at compile time), never from strings scattered in templates.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Da,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Da => "da",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "da" => Some(Self::Da),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Da => Self::En,
            Self::En => Self::Da,
        }
    }
}

/// The language code, as `<html lang>` and the switch's link take it.
impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug)]
pub struct Catalogue {
    messages: HashMap<String, String>,
}

impl Catalogue {
    fn parse(source: &str) -> Self {
        let messages =
            toml::from_str(source).expect("the embedded catalogue is valid TOML (tested)");
        Self { messages }
    }

    /// Whether the catalogue has `key` (for the tests that keep every key built at run time).
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// The text for `key`; the key itself when missing, so a gap shows rather than breaks a page
    /// (a test keeps the catalogues complete).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).map_or(key, String::as_str)
    }
}

/// Messages from domain types are fragments ("a name cannot be empty"); shown alone they are
/// sentences: a capital first letter and a full stop.
pub fn sentence(fragment: &str) -> String {
    let fragment = fragment.trim().trim_end_matches('.');
    let mut chars = fragment.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// "512 B", "3,4 kB", "12,0 MB" (a comma in Danish, a point in English).
pub fn file_size(bytes: i64, lang: Lang) -> String {
    let value = bytes as f64; // a display value: a few significant digits suffice
    let text = if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.1} kB", value / 1e3)
    } else if bytes < 1_000_000_000 {
        format!("{:.1} MB", value / 1e6)
    } else {
        format!("{:.2} GB", value / 1e9)
    };
    match lang {
        Lang::Da => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A configured limit as people say it: a whole number of MiB (the way limits are set) reads
/// "100 MB", as a phone or Windows shows such a file; any other limit as `file_size` shows it.
pub fn limit_size(bytes: u64, lang: Lang) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else {
        file_size(i64::try_from(bytes).unwrap_or(i64::MAX), lang)
    }
}

/// The texts of `keys` as a list in `lang`: "PDF, Word (.docx) eller ren tekst".
pub fn list(keys: &[String], lang: Lang) -> String {
    let t = catalogue(lang);
    let names: Vec<&str> = keys.iter().map(|key| t.get(key)).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), t.get("list.or")),
        None => String::new(),
    }
}

static DANISH: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::parse(include_str!("../i18n/da.toml")));
static ENGLISH: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::parse(include_str!("../i18n/en.toml")));

pub fn catalogue(lang: Lang) -> &'static Catalogue {
    match lang {
        Lang::Da => &DANISH,
        Lang::En => &ENGLISH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn fragments_become_sentences() {
        assert_eq!(
            sentence("et navn kan ikke være tomt"),
            "Et navn kan ikke være tomt."
        );
        assert_eq!(
            sentence("ølgaard er allerede med."),
            "Ølgaard er allerede med."
        );
        assert_eq!(sentence("  "), "");
    }

    fn keys(lang: Lang) -> BTreeSet<&'static str> {
        catalogue(lang)
            .messages
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Lang::Da), keys(Lang::En));
        assert!(!keys(Lang::Da).is_empty());
    }

    #[test]
    fn every_key_a_template_uses_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let known = keys(Lang::Da);
        let mut checked = 0;
        for entry in walk(&dir) {
            let text = std::fs::read_to_string(&entry).unwrap();
            for part in text.split("t.get(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                assert!(
                    known.contains(key),
                    "{} uses unknown key {key}",
                    entry.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 10, "templates use the catalogue");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn danish_is_danish() {
        assert_eq!(
            catalogue(Lang::Da).get("front.login.citizen"),
            "Log på med MitID"
        );
        assert_eq!(catalogue(Lang::En).get("lang.switch"), "Dansk");
    }
}

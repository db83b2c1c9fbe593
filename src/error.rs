//! The error policy: how a failure becomes what the caller reads.
//!
//! - **Which type where.** Each layer has its own `thiserror` enum: `StoreError`, `BlobError`,
//!   the crypto errors, the domain parse errors (`CprError`, `InvalidName`, ...), and the
//!   services' `CaseError` and `DocumentError`. A lower layer's error travels up as the *cause*
//!   (`#[from]` / `#[source]`), never flattened with `to_string()`, so a fault can be logged
//!   with its whole chain. `anyhow` is for the command line and start-up only.
//! - **One answer per error.** An error a caller can see implements [`UserError`]: its
//!   [`Answer`] says, once, the [`ErrorKind`] (the HTTP layer turns it into a status), the
//!   problem code (`urn:vejviser:problem:<code>`), the catalogue key of the sentence, the named
//!   arguments filled into it (`{max}`, `{current}`, ...) and the extension members
//!   (`reason`, `field`, `current_version`, ...). Services never see HTTP types.
//! - **Every sentence lives in `i18n/*.toml`.** The API's `detail` is the English sentence
//!   (`"<field>: <fragment>."` for a field), `detail_da` the Danish one; a page shows the sentence
//!   in the reader's language. A key test in this module renders every answer in both languages.
//! - **Rendering lives in one place each:** `http::problem` (problem+json) and
//!   `http::pages::refusal` (a page). A denial that must hide the case is the same 404 as no case.
//! - **Faults of ours** are [`ErrorKind::Internal`]: a 500 that says nothing internal, logged
//!   once, by the HTTP layer, with the error's whole source chain ([`chain`]).

use crate::i18n::{self, Lang, catalogue, sentence};
use serde::Serialize;
use std::fmt::Write as _;

/// What kind of refusal or failure an error is; the HTTP layer maps each to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed input that is not one field's fault (400).
    BadRequest,
    /// Nothing there, or nothing the caller may know about (404).
    NotFound,
    /// The caller may see this but not do it (403).
    Forbidden,
    /// A field that cannot be taken as it is (422).
    Invalid,
    /// Clashes with what is already there (409).
    Conflict,
    /// Beyond the size limit (413).
    TooLarge,
    /// A type the configuration does not accept (415).
    UnsupportedType,
    /// Based on a version that is no longer the newest (412).
    PreconditionFailed,
    /// A change that must say what it is based on and did not (428).
    PreconditionRequired,
    /// A dependency does not answer (503).
    Unavailable,
    /// No room left where the file would be stored (507).
    InsufficientStorage,
    /// A fault of ours (500).
    Internal,
}

/// A value filled into a sentence; rendered in the sentence's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// A size in bytes, shown as "104,9 MB" / "104.9 MB".
    Size(u64),
    /// A limit in bytes, rounded as people say it: 100 MiB is "100 MB".
    Limit(u64),
    /// Catalogue keys, shown translated as a list: "PDF, Word (.docx) eller ren tekst".
    Keys(Vec<String>),
}

impl Arg {
    fn render(&self, lang: Lang) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Number(n) => n.to_string(),
            Self::Size(bytes) => i18n::file_size(i64::try_from(*bytes).unwrap_or(i64::MAX), lang),
            Self::Limit(bytes) => i18n::limit_size(*bytes, lang),
            Self::Keys(keys) => i18n::list(keys, lang),
        }
    }
}

/// The one description of how an error answers, whichever way it is shown.
#[derive(Debug, Clone)]
pub struct Answer {
    pub kind: ErrorKind,
    /// The problem code, e.g. `invalid-field`, `stale-version`.
    pub code: &'static str,
    /// The catalogue key of the sentence.
    pub key: &'static str,
    /// The sentence a page shows instead, when a page must say it differently (a browser cannot
    /// send `If-Match`: it reloads the form).
    pub page_key: Option<&'static str>,
    /// The field at fault: the English `detail` reads "<field>: <fragment>.".
    pub field: Option<&'static str>,
    pub args: Vec<(&'static str, Arg)>,
    /// Extension members of the problem (RFC 9457 §3.2).
    pub extensions: Vec<(&'static str, serde_json::Value)>,
}

impl Answer {
    pub fn new(kind: ErrorKind, code: &'static str, key: &'static str) -> Self {
        Self {
            kind,
            code,
            key,
            page_key: None,
            field: None,
            args: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Nothing at this address, or nothing the caller may know about.
    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound, "not-found", "error.not_found")
    }

    /// A fault of ours: the answer says nothing internal.
    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, "internal", "error.internal")
    }

    /// A field that cannot be taken as it is; `key` names a fragment ("a name cannot be empty").
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        let mut answer = Self::new(ErrorKind::Invalid, "invalid-field", key).with("field", field);
        answer.field = Some(field);
        answer
    }

    /// Fills `{name}` in the sentence with `value`.
    pub fn arg(mut self, name: &'static str, value: Arg) -> Self {
        self.args.push((name, value));
        self
    }

    /// Adds an extension member.
    pub fn with(mut self, name: &'static str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.extensions.push((name, value));
        self
    }

    pub fn on_pages(mut self, key: &'static str) -> Self {
        self.page_key = Some(key);
        self
    }

    fn fill(&self, key: &str, lang: Lang) -> String {
        let mut text = catalogue(lang).get(key).to_owned();
        for (name, value) in &self.args {
            let placeholder = format!("{{{name}}}");
            if text.contains(&placeholder) {
                text = text.replace(&placeholder, &value.render(lang));
            }
        }
        text
    }

    /// The sentence on its own, in `lang` (the API's `detail_da`).
    pub fn sentence(&self, lang: Lang) -> String {
        sentence(&self.fill(self.key, lang))
    }

    /// The API's English `detail`: "<field>: <fragment>." for a field, else the sentence.
    pub fn detail(&self) -> String {
        match self.field {
            Some(field) => {
                let fragment = self.fill(self.key, Lang::En);
                format!("{field}: {}.", fragment.trim().trim_end_matches('.'))
            }
            None => self.sentence(Lang::En),
        }
    }

    /// What a page says, in the reader's language.
    pub fn page_sentence(&self, lang: Lang) -> String {
        sentence(&self.fill(self.page_key.unwrap_or(self.key), lang))
    }
}

/// An error whose answer a caller may see. `answer` is the only place its status, code and
/// sentence are chosen.
pub trait UserError: std::error::Error {
    fn answer(&self) -> Answer;
}

/// A domain error that says what is wrong with one value ("a CPR number has 10 digits ...").
pub trait Fragment {
    /// The catalogue key of the fragment.
    fn key(&self) -> &'static str;
    /// The values the fragment names, e.g. `{max}`.
    fn args(&self) -> Vec<(&'static str, Arg)> {
        Vec::new()
    }
}

/// A fragment in English, as the error's `Display` (logs, the command line).
pub fn english(fragment: &(impl Fragment + ?Sized)) -> String {
    let mut text = catalogue(Lang::En).get(fragment.key()).to_owned();
    for (name, value) in fragment.args() {
        text = text.replace(&format!("{{{name}}}"), &value.render(Lang::En));
    }
    text
}

/// The error and its causes, outermost first: "key handling failed: ...: <the I/O error>". A
/// cause whose text its wrapper already ends with (`#[error("...: {0}")]`) is not repeated.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(next) = cause {
        let said = next.to_string();
        if !text.ends_with(&said) {
            let _ = write!(text, ": {said}");
        }
        cause = next.source();
    }
    text
}

#[cfg(test)]
mod tests;

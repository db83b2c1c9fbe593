//! A person's name as shown to the team: trimmed, 1-200 characters, no control characters.

use crate::error::{Arg, Fragment};
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", crate::error::english(self))]
pub enum InvalidName {
    Empty,
    TooLong,
    Control,
}

const MAX_CHARS: usize = 200;

impl Fragment for InvalidName {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "invalid.name.empty",
            Self::TooLong => "invalid.name.too_long",
            Self::Control => "invalid.name.control",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        vec![("max", Arg::Number(MAX_CHARS as i64))]
    }
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InvalidName> {
        let name = raw.trim();
        if name.is_empty() {
            Err(InvalidName::Empty)
        } else if name.chars().count() > MAX_CHARS {
            Err(InvalidName::TooLong)
        } else if name.chars().any(char::is_control) {
            Err(InvalidName::Control)
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PersonName {
    // Names are personal data: never in debug output, so never in logs by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unicode_and_trims() {
        assert_eq!(
            PersonName::parse("  Søren Æbelø ").unwrap().as_str(),
            "Søren Æbelø"
        );
    }

    #[test]
    fn rejects_empty_long_and_control() {
        assert_eq!(PersonName::parse("   "), Err(InvalidName::Empty));
        assert_eq!(
            PersonName::parse(&"ø".repeat(201)),
            Err(InvalidName::TooLong)
        );
        assert!(PersonName::parse(&"ø".repeat(200)).is_ok());
        assert_eq!(PersonName::parse("A\u{7}B"), Err(InvalidName::Control));
    }
}

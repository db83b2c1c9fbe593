//! An e-mail address for notifications: one `@`, a non-empty local part, a dotted domain, no
//! spaces or control characters. Full RFC 5322 is not the goal; a deliverable address is.

use crate::error::{Arg, Fragment};
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", crate::error::english(self))]
pub struct InvalidEmail(String);

const MAX_LEN: usize = 254;

impl Fragment for InvalidEmail {
    fn key(&self) -> &'static str {
        "invalid.email"
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        vec![("address", Arg::Text(self.0.clone()))]
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let trimmed = raw.trim();
        let invalid = || InvalidEmail(trimmed.chars().take(60).collect());
        if trimmed.len() > MAX_LEN || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = trimmed.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    // An address is personal data: keep it out of debug output and so out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        assert_eq!(
            Email::parse(" anne@Kommune.DK ").unwrap().as_str(),
            "anne@kommune.dk"
        );
        assert!(Email::parse("a.b+c@sub.example.org").is_ok());
    }

    #[test]
    fn rejects_what_cannot_be_delivered() {
        for bad in [
            "",
            "anne",
            "anne@",
            "@kommune.dk",
            "anne@kommune",
            "a b@x.dk",
            "a@b@c.dk",
            "a@x..dk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@x.dk", "a".repeat(260))).is_err());
    }
}

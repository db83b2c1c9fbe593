//! A municipality code (kommunekode): three digits, 101-999.

use crate::error::Fragment;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MunicipalityCode(u16);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", crate::error::english(self))]
pub struct InvalidMunicipalityCode;

impl Fragment for InvalidMunicipalityCode {
    fn key(&self) -> &'static str {
        "invalid.municipality_code"
    }
}

impl MunicipalityCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidMunicipalityCode> {
        let raw = raw.trim();
        if raw.len() != 3 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidMunicipalityCode);
        }
        match raw.parse::<u16>() {
            Ok(code @ 101..=999) => Ok(Self(code)),
            _ => Err(InvalidMunicipalityCode),
        }
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_three_digit_codes_only() {
        assert_eq!(MunicipalityCode::parse("101").unwrap().to_string(), "101");
        for bad in ["", "1", "100", "1010", "abc", "-10", "099"] {
            assert!(MunicipalityCode::parse(bad).is_err(), "{bad}");
        }
    }
}

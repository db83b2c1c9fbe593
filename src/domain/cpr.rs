//! The Danish civil registration number (CPR-nummer), DDMMYY-SSSS.
//!
//! It is sensitive: `Debug` never prints it, `masked()` shows only the birth-date part, and
//! storage keeps it encrypted with a keyed hash for look-up (never in logs).

use crate::error::Fragment;
use std::fmt;
use time::{Date, Month};

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr {
    digits: [u8; 10],
    birth_date: Date,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", crate::error::english(self))]
pub enum CprError {
    Format,
    Date,
}

impl Fragment for CprError {
    fn key(&self) -> &'static str {
        match self {
            Self::Format => "invalid.cpr.format",
            Self::Date => "invalid.cpr.date",
        }
    }
}

impl Cpr {
    pub fn parse(raw: &str) -> Result<Self, CprError> {
        let compact: String = raw.trim().chars().filter(|c| *c != '-').collect();
        let bytes = compact.as_bytes();
        if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(CprError::Format);
        }
        // Checked just above: exactly ten ASCII digits.
        let digits: [u8; 10] = std::array::from_fn(|i| bytes[i] - b'0');
        let two = |i: usize| digits[i] * 10 + digits[i + 1];
        let year = century(digits[6], two(4)) + i32::from(two(4));
        let month = Month::try_from(two(2)).map_err(|_| CprError::Date)?;
        let birth_date =
            Date::from_calendar_date(year, month, two(0)).map_err(|_| CprError::Date)?;
        Ok(Self { digits, birth_date })
    }

    /// A fictitious CPR number for a birth date, for development identities only. The serial is
    /// chosen so the 7th digit gives the right century; no modulus-11 check applies since 2007.
    pub fn fictitious(birth_date: Date, serial: u16) -> Self {
        let seventh: u16 = if birth_date.year() >= 2000 { 4 } else { 0 };
        let serial = seventh * 1000 + serial % 1000;
        let text = format!(
            "{:02}{:02}{:02}{:04}",
            birth_date.day(),
            u8::from(birth_date.month()),
            birth_date.year().rem_euclid(100),
            serial
        );
        Self::parse(&text).expect("a date and a century digit chosen above always parse")
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// The ten digits without a dash: the form that is hashed and sealed.
    pub fn compact(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// "DDMMYY-SSSS", the form people write.
    pub fn formatted(&self) -> String {
        let d = self.compact();
        format!("{}-{}", &d[..6], &d[6..])
    }

    /// "DDMMYY-xxxx": what a page may show.
    pub fn masked(&self) -> String {
        format!("{}-xxxx", &self.formatted()[..6])
    }
}

/// The century follows from the 7th digit and the two-digit year (CPR-kontoret's table).
fn century(seventh: u8, yy: u8) -> i32 {
    match (seventh, yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (5..=8, 0..=57) => 2000,
        (5..=8, _) => 1800,
        _ => unreachable!("a digit is 0-9"),
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_with_and_without_dash() {
        let a = Cpr::parse("010203-4567").unwrap();
        let b = Cpr::parse("0102034567").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.birth_date(), date!(2003 - 02 - 01));
        assert_eq!(a.masked(), "010203-xxxx");
    }

    #[test]
    fn century_boundaries_follow_the_seventh_digit() {
        let cases = [
            ("0101000000", date!(1900 - 01 - 01)),
            ("3112993999", date!(1999 - 12 - 31)),
            ("0101364000", date!(2036 - 01 - 01)),
            ("0101374000", date!(1937 - 01 - 01)),
            ("0101369000", date!(2036 - 01 - 01)),
            ("0101379000", date!(1937 - 01 - 01)),
            ("0101575000", date!(2057 - 01 - 01)),
            ("0101585000", date!(1858 - 01 - 01)),
            ("0101008999", date!(2000 - 01 - 01)),
        ];
        for (raw, expected) in cases {
            assert_eq!(Cpr::parse(raw).unwrap().birth_date(), expected, "{raw}");
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(Cpr::parse("12345"), Err(CprError::Format));
        assert_eq!(Cpr::parse("01020345678"), Err(CprError::Format));
        assert_eq!(Cpr::parse("01020a4567"), Err(CprError::Format));
        assert_eq!(Cpr::parse("3102034567"), Err(CprError::Date));
        assert_eq!(Cpr::parse("0113034567"), Err(CprError::Date));
        assert_eq!(Cpr::parse("2902014567"), Err(CprError::Date)); // 2001 is no leap year
        assert!(Cpr::parse("2902044567").is_ok()); // 2004 is
    }

    #[test]
    fn debug_never_shows_the_serial() {
        let cpr = Cpr::parse("010203-4567").unwrap();
        assert!(!format!("{cpr:?}").contains("4567"));
    }

    #[test]
    fn fictitious_numbers_round_trip_their_birth_date() {
        for d in [
            date!(1975 - 06 - 30),
            date!(2009 - 02 - 28),
            date!(2008 - 02 - 29),
        ] {
            let cpr = Cpr::fictitious(d, 123);
            assert_eq!(Cpr::parse(&cpr.formatted()).unwrap().birth_date(), d);
        }
    }

    proptest::proptest! {
        /// Any text gets an answer, never a panic; what parses keeps its digits and date
        /// through both written forms.
        #[test]
        fn any_text_parses_or_is_refused_without_a_panic(raw in "\\PC{0,14}|[0-9 -]{8,14}") {
            if let Ok(cpr) = Cpr::parse(&raw) {
                let compact = cpr.compact();
                proptest::prop_assert!(compact.len() == 10 && compact.bytes().all(|b| b.is_ascii_digit()));
                proptest::prop_assert_eq!(&Cpr::parse(&cpr.formatted()).unwrap(), &cpr);
                proptest::prop_assert_eq!(Cpr::parse(&compact).unwrap().birth_date(), cpr.birth_date());
            }
        }

        /// Ten digits are refused exactly when their first six are not a date.
        #[test]
        fn ten_digits_parse_when_they_start_with_a_date(digits in "[0-9]{10}") {
            let two = |i: usize| digits[i..i + 2].parse::<u8>().unwrap();
            let (day, month) = (two(0), two(2));
            let plausible = (1..=12).contains(&month) && (1..=31).contains(&day);
            match Cpr::parse(&digits) {
                Ok(cpr) => {
                    proptest::prop_assert!(plausible);
                    proptest::prop_assert_eq!(cpr.birth_date().day(), day);
                    proptest::prop_assert_eq!(u8::from(cpr.birth_date().month()), month);
                }
                Err(e) => {
                    proptest::prop_assert_eq!(e, CprError::Date);
                    // Only a day past the month's end is refused among plausible ones.
                    proptest::prop_assert!(!plausible || day >= 29);
                }
            }
        }
    }
}

//! Times are stored as RFC 3339 text in UTC with a fixed width (microseconds, `Z`), so text order
//! is time order on both SQLite and PostgreSQL.

use super::StoreError;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

const STORED: &[FormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

pub fn to_text(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(STORED)
        .expect("every UTC time in years 0-9999 formats")
}

pub fn from_text(text: &str) -> Result<OffsetDateTime, StoreError> {
    time::PrimitiveDateTime::parse(text, STORED)
        .map(|t| t.assume_utc())
        .map_err(|e| StoreError::Corrupt(format!("time '{text}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn round_trips_and_sorts_as_text() {
        let early = datetime!(2026-01-02 03:04:05.000006 +01:00);
        let late = datetime!(2026-01-02 03:04:05.1 UTC);
        assert_eq!(to_text(early), "2026-01-02T02:04:05.000006Z");
        assert_eq!(from_text(&to_text(early)).unwrap(), early);
        assert!(to_text(early) < to_text(late));
    }
}

//! How pages show times and sizes: local Danish time (Europe/Copenhagen), sizes in kB/MB with the
//! reader's decimal mark.

use crate::clock::in_copenhagen;
use crate::i18n::{Catalogue, Lang};
use time::macros::format_description;

/// A document kind in the reader's language ("Mål- og aftaleskema").
pub fn kind_label(t: &Catalogue, kind: &str) -> String {
    t.get(&format!("kind.{kind}")).to_owned()
}

/// A stored UTC time (RFC 3339 text) as "23.11.2026 14:05" in Copenhagen; the text itself when it
/// does not parse.
pub fn local_time(stored: &str) -> String {
    crate::store::time_text::from_text(stored)
        .ok()
        .and_then(|at| {
            in_copenhagen(at)
                .format(format_description!("[day].[month].[year] [hour]:[minute]"))
                .ok()
        })
        .unwrap_or_else(|| stored.to_owned())
}

/// "512 B", "3,4 kB", "12,0 MB" (a comma in Danish, a point in English).
pub fn file_size(bytes: i64, lang: Lang) -> String {
    crate::i18n::file_size(bytes, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_copenhagen_summer_and_winter() {
        assert_eq!(
            local_time("2026-11-23T23:30:00.000000Z"),
            "24.11.2026 00:30"
        );
        assert_eq!(
            local_time("2026-07-01T10:00:00.000000Z"),
            "01.07.2026 12:00"
        );
        assert_eq!(local_time("not a time"), "not a time");
    }

    #[test]
    fn sizes_use_the_readers_decimal_mark() {
        assert_eq!(file_size(0, Lang::Da), "0 B");
        assert_eq!(file_size(999, Lang::En), "999 B");
        assert_eq!(file_size(3_400, Lang::Da), "3,4 kB");
        assert_eq!(file_size(12_000_000, Lang::En), "12.0 MB");
        assert_eq!(file_size(1_073_741_824, Lang::Da), "1,07 GB");
    }
}

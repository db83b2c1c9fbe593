//! How pages show times and sizes: local Danish time (Europe/Copenhagen), sizes in kB/MB with the
//! reader's decimal mark.

use crate::clock::in_copenhagen;
use crate::domain::department::Department;
use crate::i18n::{Catalogue, Lang};
use time::macros::format_description;

/// A department in the reader's language ("Jobcenteret").
pub fn department_label(t: &Catalogue, department: Department) -> String {
    t.get(&format!("dept.{}", department.as_str())).to_owned()
}

/// A consent's departments: "Jobcenteret, Voksenforvaltningen".
pub fn scope_labels(t: &Catalogue, scope: &[Department]) -> String {
    scope
        .iter()
        .map(|d| department_label(t, *d))
        .collect::<Vec<_>>()
        .join(", ")
}

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

/// A stored time (RFC 3339, shown on its Copenhagen day) or day (YYYY-MM-DD) as words:
/// "3. december 2026" / "3 December 2026"; the text itself when it is neither.
pub fn long_date(stored: &str, lang: Lang) -> String {
    let day = crate::store::time_text::from_text(stored)
        .map(|at| in_copenhagen(at).date())
        .ok()
        .or_else(|| time::Date::parse(stored, format_description!("[year]-[month]-[day]")).ok());
    let Some(day) = day else {
        return stored.to_owned();
    };
    const DA: [&str; 12] = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::from(u8::from(day.month())) - 1;
    match lang {
        Lang::Da => format!("{}. {} {}", day.day(), DA[month], day.year()),
        Lang::En => format!("{} {} {}", day.day(), EN[month], day.year()),
    }
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
    fn long_dates_name_the_month_on_the_copenhagen_day() {
        assert_eq!(
            long_date("2026-12-02T23:30:00.000000Z", Lang::Da),
            "3. december 2026"
        );
        assert_eq!(long_date("2027-06-30", Lang::En), "30 June 2027");
        assert_eq!(long_date("someday", Lang::Da), "someday");
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

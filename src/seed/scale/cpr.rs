//! The seeded citizens' fictitious CPR numbers: unique across runs by construction.

use super::ScaleError;
use crate::domain::cpr::Cpr;
use time::{Date, Duration};

/// An age range: the youngest age in days, and how many days of birth dates it spans.
#[derive(Clone, Copy)]
pub(super) struct Born {
    youngest_days: i64,
    span_days: u32,
}

/// Young people are 15 to 24 years old; adults (parents, trusted adults) 32 to 62. The ranges
/// do not meet, so the running number alone keeps every seeded CPR number apart.
pub(super) const YOUNG: Born = Born {
    youngest_days: 15 * 365 + 1,
    span_days: 9 * 365,
};
pub(super) const ADULT: Born = Born {
    youngest_days: 32 * 365,
    span_days: 30 * 365,
};

/// The `n`th seeded citizen's CPR number: the birth date steps back one day per number and the
/// serial up by one each time the range is used up, so runs that go on counting never repeat
/// one. Serials from 300 stay clear of the development identities'; `Cpr::fictitious` keeps
/// three digits of the serial, so they run out at 1000.
pub(super) fn fictitious_cpr(n: u64, born: Born, today: Date) -> Result<Cpr, ScaleError> {
    let span = u64::from(born.span_days);
    let serial = u16::try_from(300 + n / span).unwrap_or(u16::MAX);
    if serial >= 1000 {
        return Err(ScaleError::Plan("out of fictitious CPR numbers".into()));
    }
    let back = born.youngest_days + i64::try_from(n % span).unwrap_or(0);
    Ok(Cpr::fictitious(today - Duration::days(back), serial))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_cpr_numbers_never_repeat_across_ranges_and_runs() {
        let today = time::macros::date!(2026 - 12 - 03);
        let mut seen = std::collections::HashSet::new();
        // Two runs' worth of young people and adults, interleaved as the seeder makes them.
        for n in 0..40_000u64 {
            let born = if n % 3 == 0 { YOUNG } else { ADULT };
            let cpr = fictitious_cpr(n, born, today).unwrap();
            assert!(seen.insert(cpr.compact()), "{n}: {}", cpr.compact());
        }
        let young = fictitious_cpr(0, YOUNG, today).unwrap().birth_date();
        assert_eq!(today.year() - young.year(), 15);
    }
}

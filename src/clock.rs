//! Where "now" comes from. Age rules, sessions and consent expiry all ask the clock, never the
//! system directly, so tests (and development, via `dev.fixed_now`) can pin the date.

use chrono::Offset;
use chrono::TimeZone;
use chrono_tz::Europe::Copenhagen;
use std::fmt::Debug;
use std::sync::Arc;
use time::{Date, OffsetDateTime, UtcOffset};

pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> OffsetDateTime;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always answers the same instant: for tests and development only (the production
/// profile refuses `dev.fixed_now`).
#[derive(Debug)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

pub type SharedClock = Arc<dyn Clock>;

pub fn from_fixed_now(fixed_now: Option<OffsetDateTime>) -> SharedClock {
    match fixed_now {
        Some(now) => Arc::new(FixedClock(now)),
        None => Arc::new(SystemClock),
    }
}

/// `at` in Danish local time (Europe/Copenhagen, CET or CEST): the one place the time zone is
/// applied, for age rules, consent expiry and the times pages show.
pub fn in_copenhagen(at: OffsetDateTime) -> OffsetDateTime {
    // `time` knows offsets but no time-zone rules; chrono-tz has the rules.
    let utc = chrono::DateTime::from_timestamp(at.unix_timestamp(), 0)
        .expect("every `time` instant (years -9999..=9999) is within chrono's range");
    let seconds = Copenhagen
        .offset_from_utc_datetime(&utc.naive_utc())
        .fix()
        .local_minus_utc();
    let offset =
        UtcOffset::from_whole_seconds(seconds).expect("Copenhagen's offset is a few hours");
    at.to_offset(offset)
}

/// The calendar date in Copenhagen at `at` (23:30 UTC on the eve of a birthday is already the
/// birthday there).
pub fn copenhagen_date(at: OffsetDateTime) -> Date {
    in_copenhagen(at).date()
}

/// The instant it is `at` o'clock on `date` in Copenhagen: the earlier of two when the clocks
/// go back, an hour later when that hour does not exist (the clocks go forward).
pub fn copenhagen_instant(date: Date, at: time::Time) -> OffsetDateTime {
    let local = chrono::NaiveDate::from_ymd_opt(
        date.year(),
        u32::from(u8::from(date.month())),
        u32::from(date.day()),
    )
    .and_then(|d| d.and_hms_opt(u32::from(at.hour()), u32::from(at.minute()), 0))
    .expect("a `time` date and time are valid for chrono");
    let utc = Copenhagen
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            Copenhagen
                .from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .expect("an hour after a gap exists")
        .timestamp();
    OffsetDateTime::from_unix_timestamp(utc).expect("within `time`'s range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn seven_in_copenhagen_is_six_utc_in_winter_and_five_in_summer() {
        let seven = time::macros::time!(07:00);
        assert_eq!(
            copenhagen_instant(date!(2026 - 01 - 15), seven),
            datetime!(2026-01-15 06:00 UTC)
        );
        assert_eq!(
            copenhagen_instant(date!(2026 - 07 - 15), seven),
            datetime!(2026-07-15 05:00 UTC)
        );
        // 02:30 on 29 March 2026 does not exist in Copenhagen: an hour later (03:30 CEST).
        assert_eq!(
            copenhagen_instant(date!(2026 - 03 - 29), time::macros::time!(02:30)),
            datetime!(2026-03-29 01:30 UTC)
        );
    }

    #[test]
    fn the_date_is_copenhagens() {
        // 23:30 UTC on 14 March is 00:30 on 15 March in Copenhagen (CET, UTC+1).
        assert_eq!(
            copenhagen_date(datetime!(2026-03-14 23:30 UTC)),
            date!(2026 - 03 - 15)
        );
        // Summer time (CEST, UTC+2): 22:30 UTC on 1 July is 00:30 on 2 July.
        assert_eq!(
            copenhagen_date(datetime!(2026-07-01 22:30 UTC)),
            date!(2026 - 07 - 02)
        );
        assert_eq!(
            copenhagen_date(datetime!(2026-07-01 21:59 UTC)),
            date!(2026 - 07 - 01)
        );
    }

    #[test]
    fn the_offset_follows_summer_time_and_keeps_the_instant() {
        let winter = in_copenhagen(datetime!(2026-01-10 12:00 UTC));
        assert_eq!(winter.offset().whole_hours(), 1);
        let summer = in_copenhagen(datetime!(2026-07-10 12:00 UTC));
        assert_eq!(summer.offset().whole_hours(), 2);
        assert_eq!(summer, datetime!(2026-07-10 12:00 UTC));
        // The last Sunday of March at 01:00 UTC the clocks go from 02:00 to 03:00.
        assert_eq!(in_copenhagen(datetime!(2026-03-29 00:59 UTC)).hour(), 1);
        assert_eq!(in_copenhagen(datetime!(2026-03-29 01:00 UTC)).hour(), 3);
    }
}

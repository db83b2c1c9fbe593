//! Moments: `now`, with its Copenhagen date and the 18th birthday worked out by hand.

use crate::policy::age;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy)]
pub(super) struct Moment {
    pub(super) label: &'static str,
    pub(super) now: OffsetDateTime,
    /// The Europe/Copenhagen calendar date of `now` (by hand).
    pub(super) today: Date,
    pub(super) birth: Date,
    /// The young person's 18th birthday (by hand).
    pub(super) eighteenth: Date,
}

impl Moment {
    pub(super) fn yesterday(&self) -> Date {
        self.today.previous_day().unwrap()
    }

    pub(super) fn minor(&self) -> bool {
        self.today < self.eighteenth
    }
}

pub(super) fn moments() -> Vec<Moment> {
    let winter = date!(2008 - 01 - 15);
    let winter_18 = date!(2026 - 01 - 15);
    let summer = date!(2008 - 07 - 10);
    let summer_18 = date!(2026 - 07 - 10);
    let leap = date!(2008 - 02 - 29);
    let leap_18 = date!(2026 - 03 - 01);
    vec![
        Moment {
            label: "17: noon UTC the day before the 18th birthday (winter)",
            now: datetime!(2026-01-14 12:00 UTC),
            today: date!(2026 - 01 - 14),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "17: 22:30 UTC on the eve = 23:30 in Copenhagen (winter)",
            now: datetime!(2026-01-14 22:30 UTC),
            today: date!(2026 - 01 - 14),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "18: 23:30 UTC on the eve = 00:30 on the birthday in Copenhagen (winter)",
            now: datetime!(2026-01-14 23:30 UTC),
            today: date!(2026 - 01 - 15),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "18: noon on the 18th birthday (winter)",
            now: datetime!(2026-01-15 12:00 UTC),
            today: date!(2026 - 01 - 15),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "19: a year and more after the 18th birthday",
            now: datetime!(2027-03-10 12:00 UTC),
            today: date!(2027 - 03 - 10),
            birth: winter,
            eighteenth: winter_18,
        },
        Moment {
            label: "17: 21:30 UTC on the eve = 23:30 in Copenhagen (summer)",
            now: datetime!(2026-07-09 21:30 UTC),
            today: date!(2026 - 07 - 09),
            birth: summer,
            eighteenth: summer_18,
        },
        Moment {
            label: "18: 22:30 UTC on the eve = 00:30 on the birthday in Copenhagen (summer)",
            now: datetime!(2026-07-09 22:30 UTC),
            today: date!(2026 - 07 - 10),
            birth: summer,
            eighteenth: summer_18,
        },
        Moment {
            label: "17: born 29 Feb 2008, noon 28 Feb 2026",
            now: datetime!(2026-02-28 12:00 UTC),
            today: date!(2026 - 02 - 28),
            birth: leap,
            eighteenth: leap_18,
        },
        Moment {
            label: "18: born 29 Feb 2008, 23:30 UTC 28 Feb 2026 = 1 March in Copenhagen",
            now: datetime!(2026-02-28 23:30 UTC),
            today: date!(2026 - 03 - 01),
            birth: leap,
            eighteenth: leap_18,
        },
        Moment {
            label: "18: born 29 Feb 2008, noon 1 March 2026",
            now: datetime!(2026-03-01 12:00 UTC),
            today: date!(2026 - 03 - 01),
            birth: leap,
            eighteenth: leap_18,
        },
    ]
}

/// A moment for a single named test.
pub(super) fn moment(now: OffsetDateTime, today: Date, birth: Date, eighteenth: Date) -> Moment {
    Moment {
        label: "headline",
        now,
        today,
        birth,
        eighteenth,
    }
}

#[test]
fn hand_written_dates_are_copenhagens() {
    // The oracle never calls `age`; this only checks the inputs were worked out right.
    for m in moments() {
        assert_eq!(crate::clock::copenhagen_date(m.now), m.today, "{}", m.label);
        assert_eq!(age::birthday(m.birth, 18), m.eighteenth, "{}", m.label);
    }
}

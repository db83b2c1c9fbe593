//! Age on a given day in Denmark (the day is Copenhagen's: `clock::copenhagen_date`); someone
//! born on 29 February comes of age on 1 March in years without one.

use time::{Date, Month};

pub const ADULT_AGE: i32 = 18;

/// The day someone born on `birth_date` turns `years` old.
pub fn birthday(birth_date: Date, years: i32) -> Date {
    let year = birth_date.year() + years;
    birth_date.replace_year(year).unwrap_or_else(|_| {
        // 29 February in a year without it: the birthday is 1 March.
        Date::from_calendar_date(year, Month::March, 1).unwrap_or(birth_date)
    })
}

/// Whether someone born on `birth_date` is under 18 on `today`.
pub fn is_minor(birth_date: Date, today: Date) -> bool {
    today < birthday(birth_date, ADULT_AGE)
}

/// Age in whole years on `today`.
pub fn age_on(birth_date: Date, today: Date) -> i32 {
    let years = today.year() - birth_date.year();
    if today < birthday(birth_date, years) {
        years - 1
    } else {
        years
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn eighteen_on_the_birthday_itself_and_leap_days_on_1_march() {
        let born = date!(2008 - 11 - 23);
        assert!(is_minor(born, date!(2026 - 11 - 22)));
        assert!(!is_minor(born, date!(2026 - 11 - 23)));
        let leap = date!(2008 - 02 - 29);
        assert_eq!(birthday(leap, 18), date!(2026 - 03 - 01));
        assert!(is_minor(leap, date!(2026 - 02 - 28)));
        assert!(!is_minor(leap, date!(2026 - 03 - 01)));
        assert_eq!(birthday(leap, 16), date!(2024 - 02 - 29));
        assert_eq!(age_on(born, date!(2026 - 11 - 22)), 17);
        assert_eq!(age_on(born, date!(2026 - 11 - 23)), 18);
    }
}

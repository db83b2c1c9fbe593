//! Reminders the worker's sweep writes when they fall due, each exactly once: its
//! `dedupe_key` is unique in the outbox, so a second sweep (after a restart, or in another
//! instance at the same moment) writes nothing. Which are due:
//! - a custody holder on the case for a week without having consented, while the young person
//!   is a minor: the coordinator (`consent_missing:<participant>`);
//! - six months before the young person's 18th birthday (the 17½ flag), while still a minor:
//!   the coordinator and the young person, saying that parents' access ends on the birthday
//!   unless the young person grants it (`turning_eighteen:<case>:<account>`);
//! - a consent whose last day has passed: the coordinator (`consent_expired:<consent>`);
//! - a case's access review overdue (`admin.access_review_months` since the last review or the
//!   case's creation): the coordinator, once for each overdue period
//!   (`access_review_due:<case>:<last review>`).

use super::enqueue::write_alone;
use crate::app::App;
use crate::clock::copenhagen_date;
use crate::domain::ids::{AccountId, CaseId};
use crate::domain::notice_event::NoticeEvent;
use crate::policy::age::{ADULT_AGE, birthday, is_minor};
use crate::store::outbox::NewMessage;
use crate::store::{StoreResult, mail_sweeps};
use time::{Date, Duration, Month, OffsetDateTime};

/// How long a custody holder may be on a case without consenting before the coordinator hears.
pub const CONSENT_GRACE: Duration = Duration::weeks(1);

fn reminder(recipient: AccountId, case_id: CaseId, event: NoticeEvent, key: String) -> NewMessage {
    NewMessage {
        recipient,
        case_id: Some(case_id),
        event,
        detail: None,
        dedupe_key: Some(key),
    }
}

/// The same day six months earlier (the last day of the month when it has fewer days).
pub fn six_months_before(day: Date) -> Date {
    let months = i32::from(u8::from(day.month())) - 1 - 6;
    let (year, month0) = (day.year() + months.div_euclid(12), months.rem_euclid(12));
    let month = Month::try_from(u8::try_from(month0 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// The day of the 17½ flag for someone born on `birth_date`.
pub fn flag_day(birth_date: Date) -> Date {
    six_months_before(birthday(birth_date, ADULT_AGE))
}

/// Writes the reminders due at `now`; the number written.
pub async fn sweep(state: &App, now: OffsetDateTime) -> StoreResult<usize> {
    let today = copenhagen_date(now);
    let mut due = Vec::new();
    for missing in mail_sweeps::missing_consents(&state.db, now - CONSENT_GRACE).await? {
        if is_minor(missing.birth_date, today) {
            let key = format!("consent_missing:{}", missing.participant);
            due.push(reminder(
                missing.coordinator,
                missing.case_id,
                NoticeEvent::ConsentMissing,
                key,
            ));
        }
    }
    // Everyone between 17 and 18 today; the flag day decides among them.
    let born_after = birthday(today, -ADULT_AGE);
    let born_by = birthday(today, -(ADULT_AGE - 1));
    for case in mail_sweeps::born_between(&state.db, born_after, born_by).await? {
        if flag_day(case.birth_date) > today || !is_minor(case.birth_date, today) {
            continue;
        }
        for account in std::iter::once(case.coordinator).chain(case.young_person) {
            let key = format!("turning_eighteen:{}:{account}", case.case_id);
            due.push(reminder(
                account,
                case.case_id,
                NoticeEvent::TurningEighteen,
                key,
            ));
        }
    }
    for expired in mail_sweeps::expired_consents(&state.db, today).await? {
        let key = format!("consent_expired:{}", expired.consent);
        due.push(reminder(
            expired.coordinator,
            expired.case_id,
            NoticeEvent::ConsentExpired,
            key,
        ));
    }
    let review_due =
        crate::cases::review::due_before(now, state.settings.admin.access_review_months);
    for case in mail_sweeps::due_reviews(&state.db, review_due).await? {
        let key = format!("access_review_due:{}:{}", case.case_id, case.since);
        due.push(reminder(
            case.coordinator,
            case.case_id,
            NoticeEvent::AccessReviewDue,
            key,
        ));
    }
    write_alone(state, &due).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_flag_is_six_months_before_the_eighteenth_birthday() {
        assert_eq!(flag_day(date!(2008 - 11 - 23)), date!(2026 - 05 - 23));
        assert_eq!(flag_day(date!(2008 - 03 - 15)), date!(2025 - 09 - 15));
        // 31 August: six months before is 28/29 February.
        assert_eq!(flag_day(date!(2008 - 08 - 31)), date!(2026 - 02 - 28));
        assert_eq!(
            six_months_before(date!(2026 - 01 - 10)),
            date!(2025 - 07 - 10)
        );
    }
}

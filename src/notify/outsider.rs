//! The coordinator's alert (issue #11) when an admin or someone with no part in a case acted on
//! it or tried to: the worker's sweep reads the access log, so the alert needs nothing from the
//! routes that act and cannot be lost with them: the log row is written with the action, and
//! the sweep finds it after a crash. At most one message a case a Copenhagen day (keyed
//! `outsider_access:<date>:<case>`); yesterday is looked at too, so a row written just before
//! midnight is not missed.

use super::enqueue::write_alone;
use crate::app::App;
use crate::clock::{copenhagen_date, copenhagen_instant};
use crate::domain::notice_event::NoticeEvent;
use crate::store::outbox::NewMessage;
use crate::store::{StoreResult, mail_sweeps};
use time::{Date, Duration, OffsetDateTime, Time};

fn key_prefix(day: Date) -> String {
    format!("outsider_access:{day}:")
}

/// Writes the alerts due at `now`; the number written.
pub async fn sweep(state: &App, now: OffsetDateTime) -> StoreResult<usize> {
    let today = copenhagen_date(now);
    let mut due = Vec::new();
    for day in [today - Duration::days(1), today] {
        let from = copenhagen_instant(day, Time::MIDNIGHT);
        let to = copenhagen_instant(day + Duration::days(1), Time::MIDNIGHT).min(now);
        let prefix = key_prefix(day);
        for acted in mail_sweeps::outsider_actions(&state.db, from, to, &prefix).await? {
            due.push(NewMessage {
                recipient: acted.coordinator,
                case_id: Some(acted.case_id),
                event: NoticeEvent::OutsiderAccess,
                detail: None,
                dedupe_key: Some(format!("{prefix}{}", acted.case_id)),
            });
        }
    }
    write_alone(state, &due).await
}

//! Daily digests: a recipient who chose `daily` has their document messages held (the worker
//! checks them as for any message, then holds them instead of sending). Once a day at
//! `mail.digest_time` (Copenhagen) the sweep writes one `digest` message per such recipient,
//! counting the held messages and their cases, and marks them `digested` in the same
//! transaction. Its `dedupe_key` (`digest:<account>:<day>`) makes it one a day, whichever
//! instance writes it; what is held after that day's digest waits for the next.

use crate::app::App;
use crate::clock::{copenhagen_date, copenhagen_instant};
use crate::domain::notice_event::NoticeEvent;
use crate::store::outbox::NewMessage;
use crate::store::{StoreResult, mail_sweeps};
use time::{Duration, OffsetDateTime};

/// The latest digest moment at or before `now`, and its Copenhagen day.
pub fn last_digest_moment(now: OffsetDateTime, at: time::Time) -> (OffsetDateTime, time::Date) {
    let today = copenhagen_date(now);
    let moment = copenhagen_instant(today, at);
    if moment <= now {
        return (moment, today);
    }
    let yesterday = today - Duration::days(1);
    (copenhagen_instant(yesterday, at), yesterday)
}

/// The digest's `detail`: the number of document changes and of cases, as "<n> <cases>".
pub fn detail(changes: i64, cases: i64) -> String {
    format!("{changes} {cases}")
}

/// Reads a digest's `detail` back.
pub fn counts(detail: &str) -> Option<(i64, i64)> {
    let (changes, cases) = detail.split_once(' ')?;
    Some((changes.parse().ok()?, cases.parse().ok()?))
}

/// Writes the digests due at `now`; the number written.
pub async fn sweep(state: &App, now: OffsetDateTime) -> StoreResult<usize> {
    let (moment, day) = last_digest_moment(now, state.settings.mail.digest_time.0);
    let mut written = 0;
    for recipient in mail_sweeps::held_recipients(&state.db, moment).await? {
        let mut tx = state.db.begin().await?;
        let (changes, cases) = mail_sweeps::held_counts(&mut tx, recipient, moment).await?;
        if changes == 0 {
            continue;
        }
        let digest = NewMessage {
            recipient,
            case_id: None,
            event: NoticeEvent::Digest,
            detail: Some(detail(changes, cases)),
            dedupe_key: Some(format!("digest:{recipient}:{day}")),
        };
        // Written now (due at once), whatever moment the sweep was asked about.
        let written_at = state.clock.now();
        let ids = crate::store::outbox::enqueue(&mut tx, std::slice::from_ref(&digest), written_at)
            .await?;
        let Some(&id) = ids.first() else {
            // Today's digest exists: these were held after it and wait for tomorrow's.
            continue;
        };
        mail_sweeps::mark_digested(&mut tx, recipient, moment, id, written_at).await?;
        tx.commit().await?;
        state.metrics.mail.queued.inc();
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, time};

    #[test]
    fn the_digest_moment_is_todays_once_passed_else_yesterdays() {
        let seven = time!(07:00);
        // 06:30 UTC in January is 07:30 in Copenhagen: today's 07:00 (06:00 UTC) has passed.
        let (moment, day) = last_digest_moment(datetime!(2026-01-15 06:30 UTC), seven);
        assert_eq!(moment, datetime!(2026-01-15 06:00 UTC));
        assert_eq!(day, time::macros::date!(2026 - 01 - 15));
        let (moment, _) = last_digest_moment(datetime!(2026-01-15 05:59 UTC), seven);
        assert_eq!(moment, datetime!(2026-01-14 06:00 UTC));
    }

    #[test]
    fn counts_round_trip() {
        assert_eq!(counts(&detail(3, 2)), Some((3, 2)));
        assert_eq!(counts("x"), None);
    }
}

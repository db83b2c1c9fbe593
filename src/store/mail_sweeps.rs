//! What the worker's sweep reads and writes besides single messages: the daily recipients'
//! held document messages (counted into one digest, then marked `digested`), and the events a
//! reminder is due for. Each reminder query leaves out what already has its row (by the
//! reminder's `dedupe_key`), and the unique key makes a second write of it a no-op anyway.

use super::columns::{corrupt, parse_date};
use super::time_text::to_text;
use super::{Db, StoreResult};
use crate::domain::ids::{AccountId, CaseId, MessageId};
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};

fn account(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<AccountId> {
    AccountId::parse(row.try_get(column)?).map_err(corrupt)
}

fn case(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<CaseId> {
    CaseId::parse(row.try_get(column)?).map_err(corrupt)
}

/// The accounts with messages held for a digest, created before `before`.
pub async fn held_recipients(db: &Db, before: OffsetDateTime) -> StoreResult<Vec<AccountId>> {
    let rows = sqlx::query(
        "SELECT DISTINCT recipient_id FROM outbox WHERE status = 'held' AND created_at < $1",
    )
    .bind(to_text(before))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| account(r, "recipient_id")).collect()
}

/// How many held messages an account has from before `before`, and in how many cases.
pub async fn held_counts(
    conn: &mut AnyConnection,
    recipient: AccountId,
    before: OffsetDateTime,
) -> StoreResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT case_id) AS cases FROM outbox \
         WHERE recipient_id = $1 AND status = 'held' AND created_at < $2",
    )
    .bind(recipient.to_string())
    .bind(to_text(before))
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("n")?, row.try_get("cases")?))
}

/// Marks those held messages as gone into `digest`.
pub async fn mark_digested(
    conn: &mut AnyConnection,
    recipient: AccountId,
    before: OffsetDateTime,
    digest: MessageId,
    now: OffsetDateTime,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'digested', digest_id = $3, finished_at = $4 \
         WHERE recipient_id = $1 AND status = 'held' AND created_at < $2",
    )
    .bind(recipient.to_string())
    .bind(to_text(before))
    .bind(digest.to_string())
    .bind(to_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// A custody holder on an active case for longer than the week, who has never consented.
pub struct MissingConsent {
    pub participant: String,
    pub case_id: CaseId,
    pub coordinator: AccountId,
    pub birth_date: Date,
}

pub async fn missing_consents(
    db: &Db,
    added_before: OffsetDateTime,
) -> StoreResult<Vec<MissingConsent>> {
    let rows = sqlx::query(
        "SELECT p.id, c.id AS case_id, c.coordinator_id, c.young_person_birth_date \
         FROM participants p JOIN cases c ON c.id = p.case_id \
         WHERE c.status = 'active' AND p.role = 'parent' AND p.has_custody = 1 \
         AND p.removed_at IS NULL AND p.added_at <= $1 \
         AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.giver_participant_id = p.id) \
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'consent_missing:' || p.id)",
    )
    .bind(to_text(added_before))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MissingConsent {
                participant: row.try_get("id")?,
                case_id: case(row, "case_id")?,
                coordinator: account(row, "coordinator_id")?,
                birth_date: parse_date(row.try_get("young_person_birth_date")?)?,
            })
        })
        .collect()
}

/// An active case of a young person born in (`born_after`, `born_on_or_before`], with the
/// young person's account if they have logged in.
pub struct NearlyAdult {
    pub case_id: CaseId,
    pub coordinator: AccountId,
    pub young_person: Option<AccountId>,
    pub birth_date: Date,
}

pub async fn born_between(
    db: &Db,
    born_after: Date,
    born_on_or_before: Date,
) -> StoreResult<Vec<NearlyAdult>> {
    let rows = sqlx::query(
        "SELECT c.id, c.coordinator_id, c.young_person_birth_date, \
         (SELECT p.account_id FROM participants p WHERE p.case_id = c.id AND p.role = 'young_person' \
          AND p.removed_at IS NULL AND p.account_id IS NOT NULL LIMIT 1) AS young_account \
         FROM cases c WHERE c.status = 'active' \
         AND c.young_person_birth_date > $1 AND c.young_person_birth_date <= $2",
    )
    .bind(born_after.to_string())
    .bind(born_on_or_before.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NearlyAdult {
                case_id: case(row, "id")?,
                coordinator: account(row, "coordinator_id")?,
                young_person: row
                    .try_get::<Option<String>, _>("young_account")?
                    .map(|a| AccountId::parse(&a).map_err(corrupt))
                    .transpose()?,
                birth_date: parse_date(row.try_get("young_person_birth_date")?)?,
            })
        })
        .collect()
}

/// A consent on an active case whose last day was before `today`, not withdrawn, not yet told.
pub struct ExpiredConsent {
    pub consent: String,
    pub case_id: CaseId,
    pub coordinator: AccountId,
}

pub async fn expired_consents(db: &Db, today: Date) -> StoreResult<Vec<ExpiredConsent>> {
    let rows = sqlx::query(
        "SELECT k.id, k.case_id, c.coordinator_id FROM consents k JOIN cases c ON c.id = k.case_id \
         WHERE c.status = 'active' AND k.withdrawn_at IS NULL AND k.valid_until IS NOT NULL \
         AND k.valid_until < $1 \
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'consent_expired:' || k.id)",
    )
    .bind(today.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ExpiredConsent {
                consent: row.try_get("id")?,
                case_id: case(row, "case_id")?,
                coordinator: account(row, "coordinator_id")?,
            })
        })
        .collect()
}

/// A case of `coordinator` whose log has a row by an admin or by someone with no part in it
/// (the roles the case page marks) at `from` or later and before `to`, whose notice keyed
/// `<key_prefix><case>` is not written yet.
pub struct OutsiderActed {
    pub case_id: CaseId,
    pub coordinator: AccountId,
}

pub async fn outsider_actions(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
    key_prefix: &str,
) -> StoreResult<Vec<OutsiderActed>> {
    let rows = sqlx::query(
        "SELECT DISTINCT c.id, c.coordinator_id FROM audit_events a JOIN cases c ON c.id = a.case_id \
         WHERE a.at >= $1 AND a.at < $2 AND a.actor_role IN ('admin', 'staff', 'citizen') \
         AND c.status <> 'erased' \
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = $3 || c.id)",
    )
    .bind(to_text(from))
    .bind(to_text(to))
    .bind(key_prefix)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OutsiderActed {
                case_id: case(row, "id")?,
                coordinator: account(row, "coordinator_id")?,
            })
        })
        .collect()
}

/// An active case whose access review is overdue: last reviewed (or, never reviewed, created)
/// before `due_before`, with someone but the young person to review, not yet reminded of
/// this overdue period. `since` is that last review or creation, as stored.
pub struct DueReview {
    pub case_id: CaseId,
    pub coordinator: AccountId,
    pub since: String,
}

pub async fn due_reviews(db: &Db, due_before: OffsetDateTime) -> StoreResult<Vec<DueReview>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, c.coordinator_id, COALESCE(c.access_reviewed_at, c.created_at) AS since \
         FROM cases c WHERE {} \
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = \
           'access_review_due:' || c.id || ':' || COALESCE(c.access_reviewed_at, c.created_at))",
        super::overview::review_overdue("$1")
    )))
    .bind(to_text(due_before))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DueReview {
                case_id: case(row, "id")?,
                coordinator: account(row, "coordinator_id")?,
                since: row.try_get("since")?,
            })
        })
        .collect()
}

//! The outbox: messages written in the transaction of the change they tell of (`enqueue`), then
//! claimed by a worker with a lease (`claim`), and finished as sent, failed or dropped, or put
//! back with a later attempt time. Claiming works on both databases: a row is free when it is
//! pending, due, and not leased (or its lease ran out); PostgreSQL adds `FOR UPDATE SKIP LOCKED`
//! so instances never wait for each other, SQLite serialises writers anyway. Finishing a row
//! needs the lease it was claimed with, so a row is marked sent once even if two instances sent
//! it (at least once, marked once).

use super::columns::corrupt;
use super::time_text::{from_text, to_text};
use super::{Backend, Db, StoreResult};
use crate::domain::ids::{AccountId, CaseId, MessageId, MunicipalityId};
use crate::domain::notice_event::NoticeEvent;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

/// One message to write: a recipient and an event on a case (or about their account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub recipient: AccountId,
    pub case_id: Option<CaseId>,
    pub event: NoticeEvent,
    pub detail: Option<String>,
    /// A reminder's or digest's key: a second row with the same key is not written.
    pub dedupe_key: Option<String>,
}

/// A claimed message, as the worker delivers it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: MessageId,
    pub recipient: AccountId,
    /// None for a message about the account (a digest, an address to confirm).
    pub case_id: Option<CaseId>,
    pub event: NoticeEvent,
    pub detail: Option<String>,
    /// Attempts before this one.
    pub attempts: i64,
    pub created_at: OffsetDateTime,
}

/// Writes one pending row per message, inside the caller's transaction; a message whose
/// `dedupe_key` was written before is left out. The ids of the rows written.
pub async fn enqueue(
    conn: &mut AnyConnection,
    messages: &[NewMessage],
    now: OffsetDateTime,
) -> StoreResult<Vec<MessageId>> {
    let now = to_text(now);
    let mut written = Vec::with_capacity(messages.len());
    for message in messages {
        let id = MessageId::new();
        let done = sqlx::query(
            "INSERT INTO outbox (id, recipient_id, case_id, event, detail, next_attempt_at, created_at, \
             dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(id.to_string())
        .bind(message.recipient.to_string())
        .bind(message.case_id.map(|c| c.to_string()))
        .bind(message.event.as_str())
        .bind(message.detail.clone())
        .bind(now.clone())
        .bind(message.dedupe_key.clone())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            written.push(id);
        }
    }
    Ok(written)
}

const CLAIMED_COLUMNS: &str = "id, recipient_id, case_id, event, detail, attempts, created_at";

fn claimed(row: &AnyRow) -> StoreResult<Claimed> {
    Ok(Claimed {
        id: MessageId::parse(row.try_get("id")?).map_err(corrupt)?,
        recipient: AccountId::parse(row.try_get("recipient_id")?).map_err(corrupt)?,
        case_id: row
            .try_get::<Option<String>, _>("case_id")?
            .map(|c| CaseId::parse(&c).map_err(corrupt))
            .transpose()?,
        event: row
            .try_get::<String, _>("event")?
            .parse()
            .map_err(corrupt)?,
        detail: row.try_get("detail")?,
        attempts: row.try_get("attempts")?,
        created_at: from_text(row.try_get("created_at")?)?,
    })
}

/// Leases up to `limit` due messages to `owner` until `lease_until`, oldest first.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> StoreResult<Vec<Claimed>> {
    let skip_locked = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN (\
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3 \
         AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_attempt_at, id LIMIT $4{skip_locked}) \
         RETURNING {CLAIMED_COLUMNS}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(to_text(lease_until))
        .bind(to_text(now))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    let mut claimed: Vec<Claimed> = rows.iter().map(claimed).collect::<StoreResult<_>>()?;
    claimed.sort_by_key(|a| a.created_at);
    Ok(claimed)
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Not sent, and never will be: the recipient lost access or has no address.
    Dropped(String),
    /// A permanent failure, or too many attempts.
    Failed(String),
    /// A temporary failure: try again at `at`.
    Retry {
        at: OffsetDateTime,
        reason: String,
    },
    /// The recipient reads a daily digest: the message waits for it.
    Held,
}

/// Finishes an attempt on a message `owner` holds the lease of. False when the lease was lost
/// (another instance took the row over and finishes it instead).
pub async fn finish(
    db: &Db,
    id: MessageId,
    owner: &str,
    outcome: &Outcome,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let (status, error, next) = match outcome {
        Outcome::Sent => ("sent", None, None),
        Outcome::Dropped(why) => ("dropped", Some(why.as_str()), None),
        Outcome::Failed(why) => ("failed", Some(why.as_str()), None),
        Outcome::Retry { at, reason } => ("pending", Some(reason.as_str()), Some(to_text(*at))),
        Outcome::Held => ("held", None, None),
    };
    let finished_at = (!matches!(status, "pending" | "held")).then(|| to_text(now));
    let done = sqlx::query(
        "UPDATE outbox SET status = $3, last_error = $4, next_attempt_at = COALESCE($5, next_attempt_at), \
         finished_at = $6, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL \
         WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
    )
    .bind(id.to_string())
    .bind(owner)
    .bind(status)
    .bind(error.map(str::to_owned))
    .bind(next)
    .bind(finished_at)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pending messages and the creation time of the oldest (for the metrics).
pub async fn pending(db: &Db) -> StoreResult<(i64, Option<OffsetDateTime>)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'",
    )
    .fetch_one(db.pool())
    .await?;
    let oldest = row
        .try_get::<Option<String>, _>("oldest")?
        .map(|t| from_text(&t))
        .transpose()?;
    Ok((row.try_get("n")?, oldest))
}

/// A message's state, for tests and the admins' view of failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageState {
    pub id: MessageId,
    pub recipient: AccountId,
    pub event: NoticeEvent,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Every message of a case, oldest first.
pub async fn for_case(db: &Db, case: CaseId) -> StoreResult<Vec<MessageState>> {
    states(db, "case_id", case.to_string()).await
}

/// Every message to an account, oldest first.
pub async fn for_recipient(db: &Db, account: AccountId) -> StoreResult<Vec<MessageState>> {
    states(db, "recipient_id", account.to_string()).await
}

async fn states(db: &Db, column: &'static str, value: String) -> StoreResult<Vec<MessageState>> {
    let sql = format!(
        "SELECT id, recipient_id, event, status, attempts, last_error FROM outbox \
         WHERE {column} = $1 ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(MessageState {
                id: MessageId::parse(row.try_get("id")?).map_err(corrupt)?,
                recipient: AccountId::parse(row.try_get("recipient_id")?).map_err(corrupt)?,
                event: row
                    .try_get::<String, _>("event")?
                    .parse()
                    .map_err(corrupt)?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}

/// A message given up on, as the municipality's admins see it (no case details: the event's
/// kind, who it was for, and why it failed).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FailedMessage {
    pub id: String,
    /// What the message was about (`document_added`, `digest`, ...).
    pub event: String,
    pub recipient_name: String,
    pub attempts: i64,
    pub reason: Option<String>,
    /// When it was written, and when it was given up on (RFC 3339).
    pub created_at: String,
    pub failed_at: Option<String>,
}

/// The failed messages of a municipality's cases, and of its staff's own messages (digests,
/// confirmations), the most recently failed first.
pub async fn failed_in(
    db: &Db,
    municipality: MunicipalityId,
    limit: i64,
) -> StoreResult<Vec<FailedMessage>> {
    let rows = sqlx::query(
        "SELECT o.id, o.event, o.attempts, o.last_error, o.created_at, o.finished_at, \
         a.name AS recipient_name FROM outbox o JOIN accounts a ON a.id = o.recipient_id \
         LEFT JOIN cases c ON c.id = o.case_id \
         WHERE o.status = 'failed' \
         AND (c.municipality_id = $1 OR (o.case_id IS NULL AND a.municipality_id = $1)) \
         ORDER BY o.finished_at DESC, o.id LIMIT $2",
    )
    .bind(municipality.to_string())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FailedMessage {
                id: row.try_get("id")?,
                event: row.try_get("event")?,
                recipient_name: row.try_get("recipient_name")?,
                attempts: row.try_get("attempts")?,
                reason: row.try_get("last_error")?,
                created_at: row.try_get("created_at")?,
                failed_at: row.try_get("finished_at")?,
            })
        })
        .collect()
}

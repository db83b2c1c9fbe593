//! The access log's rows (`audit_events`) and chain heads (`audit_chain_heads`), kept as the text
//! they are stored as, so the chain is checked over exactly what the database holds. The audit
//! module builds and hashes them; this file only moves them.

use super::columns::corrupt;
use super::documents::{StoredText, stored_text};
use super::time_text::to_text;
use super::{Db, StoreResult};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

/// The previous hash of a chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRow {
    pub id: String,
    pub chain: String,
    pub seq: i64,
    pub at: String,
    pub municipality_id: Option<String>,
    pub case_id: Option<String>,
    pub actor_account_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_department: Option<String>,
    pub action: String,
    pub target_document_id: Option<String>,
    pub target_version: Option<i64>,
    pub target_participant: Option<String>,
    pub target_consent: Option<String>,
    pub target_account_id: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

const COLUMNS: &str = "id, chain, seq, at, municipality_id, case_id, actor_account_id, actor_role, \
     actor_department, action, target_document_id, target_version, target_participant, \
     target_consent, target_account_id, outcome, reason, request_id, client_address, prev_hash, hash";

/// Takes the next place in `chain`: the head row is written first (created at seq 0 when the
/// chain is new), which holds every other writer of the chain until this transaction ends.
/// Returns the new row's seq and the previous row's hash.
pub async fn advance_head(conn: &mut AnyConnection, chain: &str) -> StoreResult<(i64, String)> {
    advance_head_by(conn, chain, 1).await
}

/// `advance_head` for `places` rows at once: returns the first new row's seq and the hash of
/// the row before it. The caller writes the rows and then `set_head_hash`.
pub async fn advance_head_by(
    conn: &mut AnyConnection,
    chain: &str,
    places: i64,
) -> StoreResult<(i64, String)> {
    ensure_head(conn, chain).await?;
    let row = sqlx::query(
        "UPDATE audit_chain_heads SET seq = seq + $2 WHERE chain = $1 RETURNING seq, hash",
    )
    .bind(chain)
    .bind(places)
    .fetch_one(&mut *conn)
    .await?;
    let last: i64 = row.try_get("seq")?;
    Ok((last - places + 1, row.try_get("hash")?))
}

/// Creates the chain's head row at seq 0 when the chain is new.
async fn ensure_head(conn: &mut AnyConnection, chain: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ($1, 0, $2) \
         ON CONFLICT (chain) DO NOTHING",
    )
    .bind(chain)
    .bind(GENESIS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Holds `chain` for the rest of the transaction without taking a place in it, so a writer can
/// check the log and then append without a second writer doing the same in between.
pub async fn hold_chain(conn: &mut AnyConnection, chain: &str) -> StoreResult<()> {
    ensure_head(conn, chain).await?;
    sqlx::query("UPDATE audit_chain_heads SET seq = seq WHERE chain = $1")
        .bind(chain)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the case's log has an `action` row about version `version` of `document`.
pub async fn has_version_row(
    conn: &mut AnyConnection,
    case: &str,
    document: &str,
    version: i64,
    action: &str,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM audit_events WHERE case_id = $1 AND action = $2 \
         AND target_document_id = $3 AND target_version = $4",
    )
    .bind(case)
    .bind(action)
    .bind(document)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Whether the case's log has an `action` row about `consent`.
pub async fn has_consent_row(
    conn: &mut AnyConnection,
    case: &str,
    consent: &str,
    action: &str,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM audit_events WHERE case_id = $1 AND action = $2 \
         AND target_consent = $3",
    )
    .bind(case)
    .bind(action)
    .bind(consent)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Writes the row and makes it the chain's head.
pub async fn insert(conn: &mut AnyConnection, row: &AuditRow) -> StoreResult<()> {
    insert_rows(conn, std::slice::from_ref(row)).await?;
    set_head_hash(conn, &row.chain, &row.hash).await
}

/// Writes `rows` (their chains' heads are the caller's to set), a statement each: always the
/// same text, so the prepared statement is reused. (One multi-row INSERT a batch was measured
/// slower: each batch size is another statement to prepare.)
pub async fn insert_rows(conn: &mut AnyConnection, rows: &[AuditRow]) -> StoreResult<()> {
    for row in rows {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO audit_events ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        )))
        .bind(&row.id)
        .bind(&row.chain)
        .bind(row.seq)
        .bind(&row.at)
        .bind(&row.municipality_id)
        .bind(&row.case_id)
        .bind(&row.actor_account_id)
        .bind(&row.actor_role)
        .bind(&row.actor_department)
        .bind(&row.action)
        .bind(&row.target_document_id)
        .bind(row.target_version)
        .bind(&row.target_participant)
        .bind(&row.target_consent)
        .bind(&row.target_account_id)
        .bind(&row.outcome)
        .bind(&row.reason)
        .bind(&row.request_id)
        .bind(&row.client_address)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Makes `hash` (its newest row's) the chain's head.
pub async fn set_head_hash(conn: &mut AnyConnection, chain: &str, hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE audit_chain_heads SET hash = $2 WHERE chain = $1")
        .bind(chain)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn decode(row: &AnyRow) -> StoreResult<AuditRow> {
    Ok(AuditRow {
        id: row.try_get("id")?,
        chain: row.try_get("chain")?,
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        municipality_id: row.try_get("municipality_id")?,
        case_id: row.try_get("case_id")?,
        actor_account_id: row.try_get("actor_account_id")?,
        actor_role: row.try_get("actor_role")?,
        actor_department: row.try_get("actor_department")?,
        action: row.try_get("action")?,
        target_document_id: row.try_get("target_document_id")?,
        target_version: row.try_get("target_version")?,
        target_participant: row.try_get("target_participant")?,
        target_consent: row.try_get("target_consent")?,
        target_account_id: row.try_get("target_account_id")?,
        outcome: row.try_get("outcome")?,
        reason: row.try_get("reason")?,
        request_id: row.try_get("request_id")?,
        client_address: row.try_get("client_address")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Every chain and its head (seq and hash of its newest row).
pub async fn heads(db: &Db) -> StoreResult<Vec<(String, i64, String)>> {
    let rows = sqlx::query("SELECT chain, seq, hash FROM audit_chain_heads ORDER BY chain")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("chain")?, r.try_get("seq")?, r.try_get("hash")?)))
        .collect()
}

/// Up to `limit` rows of `chain` after `after_seq`, in chain order.
pub async fn chain_page(
    db: &Db,
    chain: &str,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<AuditRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_events WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    )))
    .bind(chain)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(decode).collect()
}

/// What an access-log search narrows by; `None` leaves a field open.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub municipality_id: Option<String>,
    pub case_id: Option<String>,
    pub actor_account_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

/// Rows matching `filter`, newest first, `limit` from `offset`.
pub async fn search(
    db: &Db,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<AuditRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_events \
         WHERE ($1 IS NULL OR municipality_id = $1) AND ($2 IS NULL OR case_id = $2) \
           AND ($3 IS NULL OR actor_account_id = $3) AND ($4 IS NULL OR action = $4) \
           AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) \
         ORDER BY at DESC, seq DESC LIMIT $7 OFFSET $8"
    )))
    .bind(&filter.municipality_id)
    .bind(&filter.case_id)
    .bind(&filter.actor_account_id)
    .bind(&filter.action)
    .bind(filter.from.map(to_text))
    .bind(filter.until.map(to_text))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(decode).collect()
}

/// Blanks the client address of rows older than `before` (the only change a row may see);
/// returns how many were blanked.
pub async fn blank_addresses(db: &Db, before: OffsetDateTime) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE audit_events SET client_address = NULL \
         WHERE client_address IS NOT NULL AND at < $1",
    )
    .bind(to_text(before))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// A participant as the access log names them, removed ones too: name, role and department.
pub async fn participant_label(
    db: &Db,
    id: &str,
) -> StoreResult<Option<(String, String, Option<String>)>> {
    let row = sqlx::query(
        "SELECT COALESCE(a.name, p.invited_name, '') AS name, p.role, p.department \
         FROM participants p LEFT JOIN accounts a ON a.id = p.account_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("name")?,
            r.try_get("role")?,
            r.try_get("department")?,
        ))
    })
    .transpose()
}

/// A document's title as stored (sealed with the case key) and its kind, deleted ones too.
pub async fn document_label(db: &Db, id: &str) -> StoreResult<Option<(StoredText, String)>> {
    let row = sqlx::query("SELECT title, title_sealed, kind FROM documents WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let title = stored_text(row.try_get("title_sealed")?, row.try_get("title")?)
        .ok_or_else(|| corrupt("a document without a title"))?;
    Ok(Some((title, row.try_get("kind")?)))
}

/// Whether an admin, or staff or a citizen with no part in the case, acted on it.
pub async fn has_outsider(db: &Db, case_id: &str) -> StoreResult<bool> {
    // The condition is the partial index's own (migration 0022), so one probe answers.
    let row = sqlx::query(
        "SELECT 1 AS found FROM audit_events \
         WHERE case_id = $1 AND actor_role IN ('admin', 'staff', 'citizen') LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

//! OIDC login flows in progress: state, nonce and PKCE verifier kept server-side (any instance
//! can finish a flow another began), found by the hash of a browser-bound cookie, used once.

use super::time_text::{from_text, to_text};
use super::{Db, StoreResult};
use sqlx::Row;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct LoginFlow {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
    pub expires_at: OffsetDateTime,
}

pub async fn insert(
    db: &Db,
    id_hash: &str,
    flow: &LoginFlow,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO login_flows (id_hash, provider, state, nonce, pkce_verifier, return_to, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id_hash)
    .bind(&flow.provider)
    .bind(&flow.state)
    .bind(&flow.nonce)
    .bind(&flow.pkce_verifier)
    .bind(&flow.return_to)
    .bind(to_text(now))
    .bind(to_text(flow.expires_at))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Removes and returns the flow: a callback can use it once, whatever happens next.
pub async fn take(db: &Db, id_hash: &str) -> StoreResult<Option<LoginFlow>> {
    let row = sqlx::query(
        "DELETE FROM login_flows WHERE id_hash = $1 \
         RETURNING provider, state, nonce, pkce_verifier, return_to, expires_at",
    )
    .bind(id_hash)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(LoginFlow {
            provider: row.try_get("provider")?,
            state: row.try_get("state")?,
            nonce: row.try_get("nonce")?,
            pkce_verifier: row.try_get("pkce_verifier")?,
            return_to: row.try_get("return_to")?,
            expires_at: from_text(row.try_get("expires_at")?)?,
        })
    })
    .transpose()
}

/// Forgets abandoned flows.
pub async fn delete_expired(db: &Db, now: OffsetDateTime) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM login_flows WHERE expires_at < $1")
        .bind(to_text(now))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

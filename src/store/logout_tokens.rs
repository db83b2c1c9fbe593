//! Back-channel logout tokens already used, by provider and `jti`, kept until the token could
//! no longer pass the freshness check anyway: a replayed token ends nothing.

use super::time_text::to_text;
use super::{Db, StoreResult};
use sqlx::AnyConnection;
use time::OffsetDateTime;

/// Records the token as used; false when it already was (a replay).
pub async fn mark_used(
    conn: &mut AnyConnection,
    provider: &str,
    jti: &str,
    expires_at: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO logout_tokens_used (provider, jti, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (provider, jti) DO NOTHING",
    )
    .bind(provider)
    .bind(jti)
    .bind(to_text(expires_at))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the tokens that can no longer be fresh (the sweeper).
pub async fn delete_expired(db: &Db, now: OffsetDateTime) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM logout_tokens_used WHERE expires_at <= $1")
        .bind(to_text(now))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

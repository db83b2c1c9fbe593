//! What delivery needs to know about a recipient: their address, their choice of mode, the
//! language of their mail, and who they are to the policy (checked again at send time).

use super::columns::corrupt;
use super::{Db, StoreResult};
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::store::accounts::AccountKind;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: AccountId,
    pub kind: AccountKind,
    pub municipality_id: Option<MunicipalityId>,
    pub is_admin: bool,
    pub is_active: bool,
    /// None when no address is known.
    pub email: Option<String>,
    /// `immediate`, `daily` or `off`.
    pub mode: String,
    /// `da` or `en`; None is Danish.
    pub language: Option<String>,
}

pub async fn recipient(db: &Db, id: AccountId) -> StoreResult<Recipient> {
    let row = sqlx::query(
        "SELECT id, kind, municipality_id, is_admin, is_active, email, notification_mode, \
         notification_language FROM accounts WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_one(db.pool())
    .await?;
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "staff" => AccountKind::Staff,
        "citizen" => AccountKind::Citizen,
        other => return Err(corrupt(format!("account kind {other}"))),
    };
    Ok(Recipient {
        id: AccountId::parse(row.try_get("id")?).map_err(corrupt)?,
        kind,
        municipality_id: row
            .try_get::<Option<String>, _>("municipality_id")?
            .map(|m| MunicipalityId::parse(&m).map_err(corrupt))
            .transpose()?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
        email: row
            .try_get::<Option<String>, _>("email")?
            .filter(|e| !e.trim().is_empty()),
        mode: row.try_get("notification_mode")?,
        language: row.try_get("notification_language")?,
    })
}

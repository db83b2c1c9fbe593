//! Municipalities: the tenants.

use super::columns::corrupt;
use super::time_text::to_text;
use super::{Db, StoreError, StoreResult};
use crate::domain::ids::MunicipalityId;
use crate::domain::municipality_code::MunicipalityCode;
use sqlx::Row;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub code: String,
    pub name: String,
}

pub async fn create(
    db: &Db,
    code: MunicipalityCode,
    name: &str,
    now: OffsetDateTime,
) -> StoreResult<Municipality> {
    let municipality = Municipality {
        id: MunicipalityId::new(),
        code: code.to_string(),
        name: name.to_owned(),
    };
    sqlx::query("INSERT INTO municipalities (id, code, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(municipality.id.to_string())
        .bind(&municipality.code)
        .bind(&municipality.name)
        .bind(to_text(now))
        .execute(db.pool())
        .await
        .map_err(|e| StoreError::from_sqlx(e, "a municipality with this code"))?;
    Ok(municipality)
}

pub async fn find_by_code(db: &Db, code: MunicipalityCode) -> StoreResult<Municipality> {
    let row = sqlx::query("SELECT id, code, name FROM municipalities WHERE code = $1")
        .bind(code.to_string())
        .fetch_one(db.pool())
        .await?;
    Ok(Municipality {
        id: MunicipalityId::parse(row.try_get("id")?).map_err(corrupt)?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
    })
}

pub async fn find(db: &Db, id: MunicipalityId) -> StoreResult<Municipality> {
    let row = sqlx::query("SELECT id, code, name FROM municipalities WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await?;
    Ok(Municipality {
        id,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
    })
}

/// Every municipality's id.
pub async fn all_ids(db: &Db) -> StoreResult<Vec<MunicipalityId>> {
    let rows = sqlx::query("SELECT id FROM municipalities ORDER BY code")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| MunicipalityId::parse(r.try_get("id")?).map_err(corrupt))
        .collect()
}

//! `vejviser keys rotate-master`: everything sealed under an older master key is sealed again
//! under the active one: case keys (so no blob is rewritten: the case key inside stays the same),
//! sealed CPR numbers and TOTP secrets. Afterwards the old key can be retired from configuration.

use crate::audit::{self, Event};
use crate::crypto::keys;
use crate::crypto::master_keys::MasterKeyRing;
use crate::crypto::purpose::SealPurpose;
use crate::crypto::seal;
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::store::{Db, case_keys, municipalities};
use sqlx::Row;
use time::OffsetDateTime;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    pub case_keys: usize,
    pub other_secrets: usize,
    pub already_current: usize,
}

/// The other sealed columns: (table, id column, sealed column, purpose).
const SEALED_COLUMNS: [(&str, &str, &str, SealPurpose); 5] = [
    ("accounts", "id", "cpr_sealed", SealPurpose::AccountCpr),
    (
        "cases",
        "id",
        "young_person_cpr_sealed",
        SealPurpose::CaseCpr,
    ),
    (
        "staff_credentials",
        "account_id",
        "totp_sealed",
        SealPurpose::StaffTotp,
    ),
    (
        "staff_credentials",
        "account_id",
        "totp_pending_sealed",
        SealPurpose::StaffTotp,
    ),
    (
        "sessions",
        "id_hash",
        "id_token_sealed",
        SealPurpose::SessionIdToken,
    ),
];

pub async fn rotate_master(
    db: &Db,
    keys: &MasterKeyRing,
    now: OffsetDateTime,
) -> anyhow::Result<Rotated> {
    record_rotation(db, now).await?;
    let mut done = Rotated::default();
    for (case, sealed) in case_keys::all(db).await? {
        match keys::rewrap(keys, case.uuid(), &sealed)? {
            Some(new) => {
                if case_keys::rewrap(db, case, &sealed, &new, now).await? {
                    done.case_keys += 1;
                }
            }
            None => done.already_current += 1,
        }
    }
    for (table, id_column, column, purpose) in SEALED_COLUMNS {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {id_column} AS id, {column} AS sealed FROM {table} WHERE {column} IS NOT NULL"
        )))
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            let (id, sealed): (String, Vec<u8>) = (row.try_get("id")?, row.try_get("sealed")?);
            if seal::key_id_of(&sealed)? == keys.active_id() {
                done.already_current += 1;
                continue;
            }
            let plain = zeroize::Zeroizing::new(seal::open(keys, purpose, &sealed)?);
            let resealed = seal::seal(keys, purpose, &plain)?;
            let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {column} = $1 WHERE {id_column} = $2 AND {column} = $3"
            )))
            .bind(resealed)
            .bind(id)
            .bind(sealed)
            .execute(db.pool())
            .await?;
            done.other_secrets += usize::try_from(updated.rows_affected()).unwrap_or_default();
        }
    }
    Ok(done)
}

/// One `rotate_keys` row in every municipality's chain (each admin sees it in their own log), all
/// committed before anything is resealed: no rotation happens without its trace.
async fn record_rotation(db: &Db, now: OffsetDateTime) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    for municipality in municipalities::all_ids(db).await? {
        let event = Event {
            municipality: Some(municipality),
            role: Some(ActorRole::Operator),
            ..Event::new(AuditAction::RotateKeys, now)
        };
        audit::record(&mut tx, &event).await?;
    }
    tx.commit().await?;
    Ok(())
}

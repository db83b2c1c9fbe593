//! Consents: inserted, then only ever withdrawn (never edited or deleted).

use super::columns::{corrupt, optional_date};
use super::time_text::{from_text, to_text};
use super::{Db, StoreResult};
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId, MunicipalityId, ParticipantId};
use crate::policy::{Consent, ConsentGiver};
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ConsentRow {
    pub id: Uuid,
    pub fact: Consent,
    pub giver_participant_id: ParticipantId,
    pub method: String,
    pub signed_on: Option<Date>,
    pub evidence_document_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewConsent {
    pub case_id: CaseId,
    pub giver: ConsentGiver,
    pub giver_participant_id: ParticipantId,
    pub paper: bool,
    pub scope: Vec<Department>,
    pub valid_until: Option<Date>,
    pub signed_on: Option<Date>,
    pub evidence_document_id: Option<String>,
    pub recorded_by: AccountId,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewConsent,
    now: OffsetDateTime,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    let scope: Vec<&str> = new.scope.iter().map(|d| d.as_str()).collect();
    sqlx::query(
        "INSERT INTO consents (id, case_id, giver_kind, giver_participant_id, method, scope, valid_from, valid_until, \
         signed_on, evidence_document_id, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $7)",
    )
    .bind(id.to_string())
    .bind(new.case_id.to_string())
    .bind(match new.giver {
        ConsentGiver::YoungPerson => "young_person",
        ConsentGiver::CustodyHolder(_) => "custody_holder",
    })
    .bind(new.giver_participant_id.to_string())
    .bind(if new.paper { "paper" } else { "digital" })
    .bind(serde_json::to_string(&scope).expect("strings serialise"))
    .bind(to_text(now))
    .bind(new.valid_until.map(|d| d.to_string()))
    .bind(new.signed_on.map(|d| d.to_string()))
    .bind(new.evidence_document_id.clone())
    .bind(new.recorded_by.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn for_case(db: &Db, case: CaseId) -> StoreResult<Vec<ConsentRow>> {
    let rows = sqlx::query(
        "SELECT id, giver_kind, giver_participant_id, method, scope, valid_from, valid_until, signed_on, \
         evidence_document_id, withdrawn_at FROM consents WHERE case_id = $1 ORDER BY created_at, id",
    )
    .bind(case.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(consent_from).collect()
}

/// The consents of each case in `cases`, by case id, in the order given.
pub async fn for_cases(
    db: &Db,
    cases: &[CaseId],
) -> StoreResult<std::collections::HashMap<CaseId, Vec<ConsentRow>>> {
    let mut found: std::collections::HashMap<CaseId, Vec<ConsentRow>> =
        std::collections::HashMap::new();
    let rows = super::columns::fetch_for_cases(
        db,
        "SELECT case_id, id, giver_kind, giver_participant_id, method, scope, valid_from, valid_until, signed_on, \
         evidence_document_id, withdrawn_at FROM consents WHERE case_id IN ({ids}) ORDER BY created_at, id",
        cases,
    )
    .await?;
    for row in rows {
        let case = CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?;
        found.entry(case).or_default().push(consent_from(&row)?);
    }
    Ok(found)
}

fn consent_from(row: &sqlx::any::AnyRow) -> StoreResult<ConsentRow> {
    let giver_participant_id =
        ParticipantId::parse(row.try_get("giver_participant_id")?).map_err(corrupt)?;
    let giver = match row.try_get::<String, _>("giver_kind")?.as_str() {
        "young_person" => ConsentGiver::YoungPerson,
        "custody_holder" => ConsentGiver::CustodyHolder(giver_participant_id),
        other => return Err(corrupt(format!("consent giver {other}"))),
    };
    let scope: Vec<String> =
        serde_json::from_str(&row.try_get::<String, _>("scope")?).map_err(corrupt)?;
    Ok(ConsentRow {
        id: Uuid::parse_str(row.try_get("id")?).map_err(corrupt)?,
        fact: Consent {
            giver,
            scope: scope
                .iter()
                .map(|d| d.parse().map_err(corrupt))
                .collect::<StoreResult<_>>()?,
            valid_from: from_text(row.try_get("valid_from")?)?,
            valid_until: optional_date(row, "valid_until")?,
            withdrawn_at: row
                .try_get::<Option<String>, _>("withdrawn_at")?
                .map(|t| from_text(&t))
                .transpose()?,
        },
        giver_participant_id,
        method: row.try_get("method")?,
        signed_on: optional_date(row, "signed_on")?,
        evidence_document_id: row.try_get("evidence_document_id")?,
    })
}

/// Withdraws once: a second withdrawal changes nothing.
pub async fn withdraw(
    conn: &mut AnyConnection,
    id: Uuid,
    by: AccountId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE consents SET withdrawn_at = $2, withdrawn_by = $3 WHERE id = $1 AND withdrawn_at IS NULL")
        .bind(id.to_string())
        .bind(to_text(now))
        .bind(by.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A consent whose last day was before `today`, not withdrawn, on a case not erased, with no
/// `expire_consent` row in the case's log yet.
#[derive(Debug, Clone)]
pub struct UnrecordedExpiry {
    pub consent: Uuid,
    pub case_id: CaseId,
    pub municipality: MunicipalityId,
}

pub async fn expired_unrecorded(db: &Db, today: Date) -> StoreResult<Vec<UnrecordedExpiry>> {
    let rows = sqlx::query(
        "SELECT k.id, k.case_id, c.municipality_id FROM consents k JOIN cases c ON c.id = k.case_id \
         WHERE c.status <> 'erased' AND k.withdrawn_at IS NULL AND k.valid_until IS NOT NULL \
         AND k.valid_until < $1 AND NOT EXISTS (SELECT 1 FROM audit_events a \
         WHERE a.case_id = k.case_id AND a.action = 'expire_consent' AND a.target_consent = k.id)",
    )
    .bind(today.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnrecordedExpiry {
                consent: Uuid::parse_str(row.try_get("id")?).map_err(corrupt)?,
                case_id: CaseId::parse(row.try_get("case_id")?).map_err(corrupt)?,
                municipality: MunicipalityId::parse(row.try_get("municipality_id")?)
                    .map_err(corrupt)?,
            })
        })
        .collect()
}

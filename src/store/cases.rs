//! Cases: one young person each, in one municipality, with a coordinator.

use super::columns::{corrupt, parse_date, word};
use super::time_text::{from_text, to_text};
use super::{Db, StoreResult, consents, participants};
use crate::domain::case_status::CaseStatus;
use crate::domain::ids::{AccountId, CaseId, MunicipalityId};
use crate::policy::CaseFacts;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: CaseId,
    pub municipality_id: MunicipalityId,
    pub young_person_name: String,
    pub young_person_cpr_hash: String,
    pub young_person_birth_date: Date,
    pub coordinator_id: AccountId,
    pub coordinator_name: String,
    pub placement: Option<String>,
    pub status: CaseStatus,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub municipality_id: MunicipalityId,
    pub young_person_name: String,
    pub cpr_hash: String,
    pub cpr_sealed: Vec<u8>,
    pub birth_date: Date,
    pub coordinator: AccountId,
    pub placement: Option<String>,
}

pub async fn create(
    conn: &mut AnyConnection,
    case: &NewCase,
    now: OffsetDateTime,
) -> StoreResult<CaseId> {
    let id = CaseId::new();
    sqlx::query(
        "INSERT INTO cases (id, municipality_id, young_person_name, young_person_cpr_hash, young_person_cpr_sealed, \
         young_person_birth_date, coordinator_id, placement, status, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $7)",
    )
    .bind(id.to_string())
    .bind(case.municipality_id.to_string())
    .bind(&case.young_person_name)
    .bind(&case.cpr_hash)
    .bind(case.cpr_sealed.clone())
    .bind(case.birth_date.to_string())
    .bind(case.coordinator.to_string())
    .bind(case.placement.clone())
    .bind(to_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

const CASE_COLUMNS: &str = "c.id, c.municipality_id, c.young_person_name, c.young_person_cpr_hash, \
    c.young_person_birth_date, c.coordinator_id, a.name AS coordinator_name, c.placement, c.status, c.created_at";

fn case_from(row: &sqlx::any::AnyRow) -> StoreResult<CaseRow> {
    let status: CaseStatus = word(row, "status")?;
    Ok(CaseRow {
        id: CaseId::parse(row.try_get("id")?).map_err(corrupt)?,
        municipality_id: MunicipalityId::parse(row.try_get("municipality_id")?).map_err(corrupt)?,
        young_person_name: row.try_get("young_person_name")?,
        young_person_cpr_hash: row.try_get("young_person_cpr_hash")?,
        young_person_birth_date: parse_date(row.try_get("young_person_birth_date")?)?,
        coordinator_id: AccountId::parse(row.try_get("coordinator_id")?).map_err(corrupt)?,
        coordinator_name: row.try_get("coordinator_name")?,
        placement: row.try_get("placement")?,
        status,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn find(db: &Db, id: CaseId) -> StoreResult<Option<CaseRow>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM cases c JOIN accounts a ON a.id = c.coordinator_id WHERE c.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(case_from).transpose()
}

/// A case with every fact the policy needs about it, and the rows those facts come from.
pub type LoadedRows = (
    CaseRow,
    CaseFacts,
    Vec<participants::ParticipantRow>,
    Vec<consents::ConsentRow>,
);

/// The case and every fact the policy needs about it, or None.
pub async fn load(db: &Db, id: CaseId) -> StoreResult<Option<LoadedRows>> {
    let Some(case) = find(db, id).await? else {
        return Ok(None);
    };
    let participants = participants::for_case(db, id).await?;
    let former = participants::former_for_case(db, id).await?;
    let consents = consents::for_case(db, id).await?;
    let facts = facts_of(&case, &participants, former, &consents);
    Ok(Some((case, facts, participants, consents)))
}

/// What the policy needs to know of a loaded case.
fn facts_of(
    case: &CaseRow,
    participants: &[participants::ParticipantRow],
    former: Vec<participants::ParticipantRow>,
    consents: &[consents::ConsentRow],
) -> CaseFacts {
    CaseFacts {
        municipality: case.municipality_id,
        status: case.status,
        coordinator: case.coordinator_id,
        young_person_birth_date: case.young_person_birth_date,
        participants: participants.iter().map(|p| p.fact.clone()).collect(),
        former: former.into_iter().map(|p| p.fact).collect(),
        consents: consents.iter().map(|c| c.fact.clone()).collect(),
    }
}

/// `load` for many cases in four queries, whatever their number (a coordinator's list): the
/// cases in the order of `ids`, those that do not exist left out.
pub async fn load_many(db: &Db, ids: &[CaseId]) -> StoreResult<Vec<LoadedRows>> {
    let mut cases: std::collections::HashMap<CaseId, CaseRow> = super::columns::fetch_for_cases(
        db,
        &format!(
            "SELECT {CASE_COLUMNS} FROM cases c JOIN accounts a ON a.id = c.coordinator_id WHERE c.id IN ({{ids}})"
        ),
        ids,
    )
    .await?
    .iter()
    .map(|row| case_from(row).map(|case| (case.id, case)))
    .collect::<StoreResult<_>>()?;
    let mut people = participants::for_cases(db, ids).await?;
    let mut consents = consents::for_cases(db, ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            let case = cases.remove(id)?;
            let (participants, former) = people.remove(id).unwrap_or_default();
            let consents = consents.remove(id).unwrap_or_default();
            let facts = facts_of(&case, &participants, former, &consents);
            Some((case, facts, participants, consents))
        })
        .collect())
}

/// The cases an account takes part in (as coordinator or participant), newest first.
pub async fn ids_for_account(db: &Db, account: AccountId) -> StoreResult<Vec<CaseId>> {
    let rows = sqlx::query(
        "SELECT id, created_at FROM cases WHERE coordinator_id = $1 AND status <> 'erased' \
         UNION SELECT c.id, c.created_at FROM participants p JOIN cases c ON c.id = p.case_id \
         WHERE p.account_id = $1 AND p.removed_at IS NULL AND c.status <> 'erased' \
         ORDER BY created_at DESC",
    )
    .bind(account.to_string())
    .fetch_all(db.pool())
    .await?;
    case_ids(&rows)
}

/// How many cases (not erased) an account coordinates.
pub async fn count_coordinated_by(db: &Db, account: AccountId) -> StoreResult<i64> {
    count_coordinated_by_in(&mut *db.pool().acquire().await?, account).await
}

/// `count_coordinated_by` inside the caller's transaction (the offboarding's last check).
pub async fn count_coordinated_by_in(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM cases WHERE coordinator_id = $1 AND status <> 'erased'",
    )
    .bind(account.to_string())
    .fetch_one(conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// The coordinator's access review of the case is done as of `at`.
pub async fn set_access_reviewed(
    conn: &mut AnyConnection,
    id: CaseId,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET access_reviewed_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(to_text(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// The cases (not erased) an account coordinates, oldest first.
pub async fn ids_coordinated_by(db: &Db, account: AccountId) -> StoreResult<Vec<CaseId>> {
    let rows = sqlx::query(
        "SELECT id FROM cases WHERE coordinator_id = $1 AND status <> 'erased' ORDER BY created_at",
    )
    .bind(account.to_string())
    .fetch_all(db.pool())
    .await?;
    case_ids(&rows)
}

/// Cases of a municipality whose young person is named like `name` or has this CPR hash; with
/// `taking_part`, only those that account coordinates or takes part in, so the limit counts
/// cases the caller may see, not cases the policy will drop afterwards.
pub async fn search(
    db: &Db,
    municipality: MunicipalityId,
    taking_part: Option<AccountId>,
    name: Option<&str>,
    cpr_hash: Option<&str>,
) -> StoreResult<Vec<CaseId>> {
    let pattern = name.map(|n| format!("%{}%", n.to_lowercase().replace(['%', '_'], "")));
    let rows = sqlx::query(
        "SELECT id FROM cases WHERE municipality_id = $1 AND status <> 'erased' \
         AND (($2 IS NOT NULL AND lower(young_person_name) LIKE $2) OR ($3 IS NOT NULL AND young_person_cpr_hash = $3)) \
         AND ($4 IS NULL OR coordinator_id = $4 OR EXISTS (SELECT 1 FROM participants p \
              WHERE p.case_id = cases.id AND p.account_id = $4 AND p.removed_at IS NULL)) \
         ORDER BY young_person_name LIMIT 50",
    )
    .bind(municipality.to_string())
    .bind(pattern)
    .bind(cpr_hash.map(str::to_owned))
    .bind(taking_part.map(|a| a.to_string()))
    .fetch_all(db.pool())
    .await?;
    case_ids(&rows)
}

/// Active cases of a municipality whose young person turns 18 between the two dates.
pub async fn turning_18_between(
    db: &Db,
    municipality: MunicipalityId,
    born_from: Date,
    born_until: Date,
) -> StoreResult<Vec<CaseId>> {
    let rows = sqlx::query(
        "SELECT id FROM cases WHERE municipality_id = $1 AND status = 'active' \
         AND young_person_birth_date >= $2 AND young_person_birth_date <= $3 ORDER BY young_person_birth_date",
    )
    .bind(municipality.to_string())
    .bind(born_from.to_string())
    .bind(born_until.to_string())
    .fetch_all(db.pool())
    .await?;
    case_ids(&rows)
}

pub async fn set_status(
    conn: &mut AnyConnection,
    id: CaseId,
    status: CaseStatus,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let closed_at = (status != CaseStatus::Active).then(|| to_text(now));
    let text = status.as_str();
    sqlx::query("UPDATE cases SET status = $2, closed_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(text)
        .bind(closed_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_coordinator(
    conn: &mut AnyConnection,
    id: CaseId,
    coordinator: AccountId,
) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET coordinator_id = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(coordinator.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// When the case was closed, if it is closed (for the retention rule of erasure).
pub async fn closed_at(db: &Db, id: CaseId) -> StoreResult<Option<OffsetDateTime>> {
    let row = sqlx::query("SELECT closed_at FROM cases WHERE id = $1 AND status = 'closed'")
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| r.try_get::<Option<String>, _>("closed_at"))
        .transpose()?
        .flatten()
        .map(|text| from_text(&text).map_err(corrupt))
        .transpose()
}

/// The `id` column of each row, as case ids.
fn case_ids(rows: &[sqlx::any::AnyRow]) -> StoreResult<Vec<CaseId>> {
    rows.iter()
        .map(|r| CaseId::parse(r.try_get("id")?).map_err(corrupt))
        .collect()
}

//! The counts behind the admin's overview of a municipality (issue #16): a few aggregate queries,
//! each over the municipality's cases, never a document.

use super::columns::parse_date;
use super::{Db, StoreResult};
use crate::domain::ids::MunicipalityId;
use sqlx::Row;
use time::Date;

/// Cases by status: active and closed (erased ones are gone).
pub async fn cases_by_status(db: &Db, municipality: MunicipalityId) -> StoreResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active, \
         COALESCE(SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), 0) AS closed \
         FROM cases WHERE municipality_id = $1",
    )
    .bind(municipality.to_string())
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("active")?, row.try_get("closed")?))
}

/// Cases (not erased) whose coordinator is deactivated: in effect without one.
pub async fn without_active_coordinator(db: &Db, municipality: MunicipalityId) -> StoreResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM cases c JOIN accounts a ON a.id = c.coordinator_id \
         WHERE c.municipality_id = $1 AND c.status <> 'erased' AND a.is_active = 0",
    )
    .bind(municipality.to_string())
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// Active cases without a consent of the young person in force on `today` (`now` for its
/// start and withdrawal).
pub async fn without_young_persons_consent(
    db: &Db,
    municipality: MunicipalityId,
    now: &str,
    today: Date,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM cases c WHERE c.municipality_id = $1 AND c.status = 'active' \
         AND NOT EXISTS (SELECT 1 FROM consents k JOIN participants p ON p.id = k.giver_participant_id \
           WHERE k.case_id = c.id AND k.giver_kind = 'young_person' AND p.removed_at IS NULL \
           AND k.valid_from <= $2 AND (k.withdrawn_at IS NULL OR k.withdrawn_at > $2) \
           AND (k.valid_until IS NULL OR k.valid_until >= $3))",
    )
    .bind(municipality.to_string())
    .bind(now)
    .bind(today.to_string())
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// An active case `c` whose access review is overdue (last reviewed or, never reviewed, created
/// before the bound parameter `$N` named by `due`) with someone but the young person to review:
/// the overview's count and the reminder's sweep (`mail_sweeps::due_reviews`) use the same rule.
pub(super) fn review_overdue(due: &str) -> String {
    format!(
        "c.status = 'active' AND COALESCE(c.access_reviewed_at, c.created_at) < {due} \
         AND EXISTS (SELECT 1 FROM participants p WHERE p.case_id = c.id \
           AND p.removed_at IS NULL AND p.role <> 'young_person')"
    )
}

/// Active cases whose access review is overdue (`review_overdue`).
pub async fn overdue_reviews(
    db: &Db,
    municipality: MunicipalityId,
    due_before: &str,
) -> StoreResult<i64> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM cases c WHERE c.municipality_id = $1 AND {}",
        review_overdue("$2")
    )))
    .bind(municipality.to_string())
    .bind(due_before)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// The young people's birth dates of the municipality's active cases.
pub async fn active_birth_dates(db: &Db, municipality: MunicipalityId) -> StoreResult<Vec<Date>> {
    let rows = sqlx::query(
        "SELECT young_person_birth_date FROM cases WHERE municipality_id = $1 AND status = 'active'",
    )
    .bind(municipality.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| parse_date(&r.try_get::<String, _>("young_person_birth_date")?))
        .collect()
}

/// Active staff who coordinate or are on the team of more than `limit` cases (not erased), most
/// first: account id, name and how many.
pub async fn staff_with_many_cases(
    db: &Db,
    municipality: MunicipalityId,
    limit: i64,
) -> StoreResult<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT a.id, a.name, COUNT(DISTINCT x.case_id) AS n FROM accounts a JOIN ( \
           SELECT coordinator_id AS account_id, id AS case_id FROM cases WHERE status <> 'erased' \
           UNION ALL SELECT p.account_id, p.case_id FROM participants p JOIN cases c ON c.id = p.case_id \
           WHERE p.removed_at IS NULL AND c.status <> 'erased') x ON x.account_id = a.id \
         WHERE a.kind = 'staff' AND a.municipality_id = $1 AND a.is_active = 1 \
         GROUP BY a.id, a.name HAVING COUNT(DISTINCT x.case_id) > $2 ORDER BY n DESC, a.name LIMIT 100",
    )
    .bind(municipality.to_string())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("n")?)))
        .collect()
}

//! Column decoders every store module shares: a stored value that does not parse as its type is
//! `StoreError::Corrupt` (a server fault, never the caller's). Times stored as text are read by
//! `time_text`; days (`YYYY-MM-DD`) and the domain's words (a case's status, a participant's
//! role: stored as the word `as_str` gives, read back by its `FromStr`) here.

use super::{StoreError, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

/// A stored value that does not parse.
pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A day stored as `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> StoreResult<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(corrupt)
}

/// A column holding one of a domain type's words (`Role`, `Access`, `CaseStatus`, ...).
pub(crate) fn word<T>(row: &AnyRow, column: &str) -> StoreResult<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    row.try_get::<String, _>(column)?.parse().map_err(corrupt)
}

/// The rows of `sql`, whose `{ids}` becomes an `IN` list of `ids` bound one by one (the Any
/// driver binds no arrays).
pub(crate) async fn fetch_for_cases(
    db: &super::Db,
    sql: &str,
    ids: &[crate::domain::ids::CaseId],
) -> StoreResult<Vec<AnyRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.replace("{ids}", &list)));
    for id in ids {
        query = query.bind(id.to_string());
    }
    Ok(query.fetch_all(db.pool()).await?)
}

/// A nullable day column.
pub(crate) fn optional_date(row: &AnyRow, column: &str) -> StoreResult<Option<Date>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|d| parse_date(&d))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_and_garbage_is_corrupt() {
        assert_eq!(
            parse_date("2026-03-01").unwrap(),
            time::macros::date!(2026 - 03 - 01)
        );
        assert!(matches!(
            parse_date("1. marts"),
            Err(StoreError::Corrupt(_))
        ));
    }
}

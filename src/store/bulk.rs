//! Many rows in few statements, for the scale seeder (`seed::scale`): multi-row `INSERT`s of
//! up to `MAX_PARAMETERS` values each. Written here because sqlx's `QueryBuilder` numbers its
//! placeholders `?` under the `Any` driver, which PostgreSQL refuses; this writes `$n`, which
//! both drivers accept.

use super::StoreResult;
use sqlx::AnyConnection;

/// Values a statement. sqlx's SQLite driver looks each `$n` up by name among the statement's
/// parameters, so a statement's cost grows with the square of its size: at 6 000 that lookup
/// took over half the seeder's time, at 1 000 it is lost in the rest. (SQLite allows 32 766,
/// PostgreSQL 65 535.)
const MAX_PARAMETERS: usize = 1_000;

/// One column's value.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    /// NULL in a text column.
    NoText,
    Int(i64),
    Bytes(Vec<u8>),
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Option<String>> for Value {
    fn from(text: Option<String>) -> Self {
        text.map_or(Self::NoText, Self::Text)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Self::Int(number)
    }
}

impl From<Vec<u8>> for Value {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes)
    }
}

/// Rows for one table, gathered and then written in as few statements as the bound allows.
pub struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            values: Vec::new(),
        }
    }

    /// Adds a row; its values in the order of the columns.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(row);
        assert_eq!(
            self.values.len() - before,
            self.columns.len(),
            "a row of {} has one value per column",
            self.table
        );
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Writes every row gathered, and empties the list.
    pub async fn write(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        let width = self.columns.len();
        let per_statement = (MAX_PARAMETERS / width).max(1);
        let values = std::mem::take(&mut self.values);
        let mut values = values.into_iter().peekable();
        while values.peek().is_some() {
            let chunk: Vec<Value> = values.by_ref().take(per_statement * width).collect();
            let sql = self.statement(chunk.len() / width);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in chunk {
                query = match value {
                    Value::Text(text) => query.bind(text),
                    Value::NoText => query.bind(None::<String>),
                    Value::Int(number) => query.bind(number),
                    Value::Bytes(bytes) => query.bind(bytes),
                };
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), …` for `rows` rows.
    fn statement(&self, rows: usize) -> String {
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", row * width + column + 1));
            }
            sql.push(')');
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let rows = Rows::new("t", &["a", "b"]);
        assert_eq!(
            rows.statement(2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }

    #[test]
    #[should_panic(expected = "one value per column")]
    fn a_short_row_is_a_bug() {
        Rows::new("t", &["a", "b"]).push([Value::Int(1)]);
    }
}

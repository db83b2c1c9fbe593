//! The database: one code path over SQLite (embedded default) and PostgreSQL (production) through
//! `sqlx::Any` and portable SQL. Column conventions that keep the SQL portable (see
//! migrations/README.md): ids and times are TEXT (UUID strings, RFC 3339 UTC), flags are integers
//! 0/1, bytes are BLOB/BYTEA. One file per aggregate below; `columns` holds the column decoders they
//! share (a value that does not parse is `Corrupt`) and `time_text` the stored time format, so no
//! aggregate imports another for a decoder.
//!
//! Writes: a change goes through one transaction the service opens (`Db::begin`, a [`Tx`]); the
//! store's write functions take `&mut AnyConnection` (pass `&mut *tx`), so whatever records the
//! change (audit and outbox rows) commits with it or not at all. Reads take `&Db`. Inside a
//! transaction, write before reading: on SQLite a transaction that reads first and then writes can
//! fail at once with `SQLITE_BUSY` when another connection wrote meanwhile.
//!
//! Errors: `StoreError`; a missing row is `NotFound`, a unique violation `Conflict`, anything else
//! `Database`: a 503 when the database is out of reach ([`is_out_of_reach`]), otherwise a server
//! fault, never the caller's.

pub mod accounts;
pub mod audit;
pub mod bulk;
pub mod case_keys;
pub mod cases;
pub mod columns;
pub mod consents;
pub mod credentials;
pub mod directory;
pub mod document_sealing;
pub mod documents;
pub mod login_flows;
pub mod logout_tokens;
pub mod mail_sweeps;
pub mod municipalities;
pub mod notification_settings;
pub mod outbox;
pub mod overview;
pub mod participants;
pub mod scrub;
pub mod sessions;
pub mod staff_duties;
pub mod time_text;

use crate::error::{Answer, Arg, ErrorKind, UserError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl UserError for StoreError {
    fn answer(&self) -> Answer {
        match self {
            // A missing row answers 404 here, once.
            Self::NotFound => Answer::not_found(),
            Self::Conflict(what) => Answer::new(ErrorKind::Conflict, "conflict", "error.exists")
                .arg("what", Arg::Text((*what).to_owned())),
            Self::Database(err) if is_out_of_reach(err) => Answer::new(
                ErrorKind::Unavailable,
                "database-unavailable",
                "error.database_unavailable",
            ),
            Self::Corrupt(_) | Self::Database(_) | Self::Migrate(_) => Answer::internal(),
        }
    }
}

/// Whether `err` says the database could not be reached (or went away mid-conversation) rather
/// than that it refused the statement: the pool timed out or is closed, the connection broke, or
/// the server is shutting down, starting up or out of connection slots (SQLSTATE classes 08
/// and 57P, and 53300). Such a request is answered 503, try again, not 500.
pub fn is_out_of_reach(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict(what)`, and a missing row to `NotFound`.
    pub(crate) fn from_sqlx(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(what),
            _ => Self::Database(err),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::from_sqlx(err, "row")
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One unit of work: every row written through it commits together, or none does (dropped
/// without `commit`, it rolls back). Derefs to the connection the write functions take.
pub struct Tx(sqlx::Transaction<'static, sqlx::Any>);

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.0.commit().await?)
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite://...` or `postgres://...`). For SQLite the file is created if
    /// missing, and every connection uses WAL, foreign keys and a busy timeout.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> StoreResult<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Database(sqlx::Error::Configuration(
                "database.url must start with sqlite: or postgres:".into(),
            )));
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout);
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await.map_err(StoreError::Database)?;
        Ok(Self { pool, backend })
    }

    /// Applies the migrations this backend has not seen yet. Safe to run from several instances
    /// at once on PostgreSQL (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// A round trip to the database, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Opens the transaction a change and its records are written in; dropped without
    /// `commit`, it rolls back.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(Tx(self.pool.begin().await?))
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection; later queries fail (used at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_answers_503_and_a_refused_statement_500() {
        let broken = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        for err in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(broken),
        ] {
            let answer = StoreError::Database(err).answer();
            assert_eq!(answer.kind, ErrorKind::Unavailable);
            assert_eq!(answer.code, "database-unavailable");
        }
        for err in [
            sqlx::Error::ColumnNotFound("x".into()),
            sqlx::Error::Protocol("odd".into()),
        ] {
            assert_eq!(StoreError::Database(err).answer().kind, ErrorKind::Internal);
        }
        assert_eq!(StoreError::NotFound.answer().kind, ErrorKind::NotFound);
    }
}

use crate::helpers::{Backend, fresh_database, on_both_databases, spawn_app};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use time::OffsetDateTime;
use vejviser::domain::department::Department;
use vejviser::domain::email::Email;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::domain::person_name::PersonName;
use vejviser::store::accounts::{self, NewStaff};
use vejviser::store::{Db, StoreError, municipalities};

on_both_databases!(
    migrations_apply_every_file_once_and_again_is_a_no_op,
    the_schema_enforces_uniqueness_and_references,
);

fn migration_files(backend: Backend) -> usize {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count()
}

async fn applied(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get::<i64, _>("n")
}

async fn migrations_apply_every_file_once_and_again_is_a_no_op(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.app.db;
    assert_eq!(applied(db).await, migration_files(backend) as i64);
    db.migrate().await.expect("a second run is a no-op");
    assert_eq!(applied(db).await, migration_files(backend) as i64);
    for table in [
        "municipalities",
        "accounts",
        "account_identities",
        "cases",
        "participants",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(db.pool())
            .await
            .unwrap();
    }
}

async fn staff(
    db: &Db,
    municipality: vejviser::domain::ids::MunicipalityId,
    email: &str,
) -> Result<(), StoreError> {
    let new = NewStaff {
        municipality_id: municipality,
        name: PersonName::parse("Test Person").unwrap(),
        email: Email::parse(email).unwrap(),
        department: Department::JobCentre,
        is_admin: false,
    };
    accounts::create_staff(db, &new, OffsetDateTime::now_utc())
        .await
        .map(|_| ())
}

async fn the_schema_enforces_uniqueness_and_references(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.app.db;
    let now = OffsetDateTime::now_utc();
    let code = |c| MunicipalityCode::parse(c).unwrap();
    let aarhus = municipalities::create(db, code("751"), "Aarhus", now)
        .await
        .unwrap();
    let odense = municipalities::create(db, code("461"), "Odense", now)
        .await
        .unwrap();
    assert!(matches!(
        municipalities::create(db, code("751"), "Aarhus igen", now).await,
        Err(StoreError::Conflict(_))
    ));

    staff(db, aarhus.id, "anne@aarhus.dk").await.unwrap();
    // The same address in another letter case is the same person in that municipality...
    assert!(matches!(
        staff(db, aarhus.id, "ANNE@aarhus.dk").await,
        Err(StoreError::Conflict(_))
    ));
    // ...but another municipality may have its own account for it.
    staff(db, odense.id, "anne@aarhus.dk").await.unwrap();
    let found =
        accounts::find_staff_by_email(db, aarhus.id, &Email::parse("Anne@AARHUS.dk").unwrap())
            .await
            .unwrap();
    assert_eq!(found.department, Department::JobCentre);
    assert!(found.is_active && !found.is_admin);

    // References and checks hold on both databases (SQLite has foreign keys switched on).
    let orphan = sqlx::query(
        "INSERT INTO accounts (id, kind, municipality_id, name, department, created_at) \
         VALUES ('a', 'staff', 'no-such-municipality', 'X', 'adult', '2026-01-01T00:00:00.000000Z')",
    )
    .execute(db.pool())
    .await;
    assert!(
        orphan.is_err(),
        "a staff account needs an existing municipality"
    );
    let bad_kind = sqlx::query(
        "INSERT INTO accounts (id, kind, name, created_at) VALUES ('b', 'robot', 'X', '2026-01-01T00:00:00.000000Z')",
    )
    .execute(db.pool())
    .await;
    assert!(bad_kind.is_err(), "kind is staff or citizen");
}

/// Both migration sets describe the same tables and columns: one code path needs one schema.
#[tokio::test]
async fn sqlite_and_postgres_schemas_have_the_same_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut schemas = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let database = fresh_database(backend, dir.path()).await;
        let db = Db::connect(&database.url, 2, Duration::from_secs(5))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let query = match backend {
            Backend::Sqlite => {
                "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' \
                 AND m.name NOT LIKE 'sqlite%'"
            }
            Backend::Postgres => {
                "SELECT table_name::TEXT AS table_name, column_name::TEXT AS column_name FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '\\_%'"
            }
        };
        let mut columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in sqlx::query(query).fetch_all(db.pool()).await.unwrap() {
            columns
                .entry(row.get("table_name"))
                .or_default()
                .insert(row.get("column_name"));
        }
        schemas.push(columns);
    }
    assert!(schemas[0].contains_key("cases"), "{:?}", schemas[0].keys());
    assert_eq!(schemas[0], schemas[1]);
}

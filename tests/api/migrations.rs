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
    vejviser::staff::create::by_operator(db, &new, OffsetDateTime::now_utc())
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

/// What a column holds, whichever database: each backend's declared type mapped to one class.
/// SQLite stores any integer in up to 64 bits, so its integers match PostgreSQL's `BIGINT` and
/// not its `INTEGER` (32 bits).
#[derive(Debug, Clone, PartialEq, Eq)]
enum TypeClass {
    Text,
    Integer64,
    Integer32,
    Bytes,
    Float,
    Boolean,
    /// A type the test does not know yet: it then never matches the other side silently.
    Other(String),
}

/// SQLite classes a declared type by its column affinity (sqlite.org/datatype3.html §3.1:
/// "INT" anywhere makes an integer, then "CHAR", "CLOB" or "TEXT" text, "BLOB" or no type bytes,
/// "REAL", "FLOA" or "DOUB" a float); PostgreSQL by `information_schema.columns.data_type`.
fn type_class(backend: Backend, declared: &str) -> TypeClass {
    let declared = declared.to_ascii_lowercase();
    let has = |part: &str| declared.contains(part);
    match backend {
        Backend::Sqlite if has("int") => TypeClass::Integer64,
        Backend::Sqlite if has("char") || has("clob") || has("text") => TypeClass::Text,
        Backend::Sqlite if has("blob") || declared.is_empty() => TypeClass::Bytes,
        Backend::Sqlite if has("real") || has("floa") || has("doub") => TypeClass::Float,
        Backend::Postgres => match declared.as_str() {
            "text" | "character varying" | "character" => TypeClass::Text,
            "bigint" => TypeClass::Integer64,
            "integer" | "smallint" => TypeClass::Integer32,
            "bytea" => TypeClass::Bytes,
            "double precision" | "real" => TypeClass::Float,
            "boolean" => TypeClass::Boolean,
            _ => TypeClass::Other(format!("PostgreSQL {declared}")),
        },
        // NUMERIC affinity (BOOLEAN, DECIMAL, DATE, ...): nothing PostgreSQL has matches it.
        Backend::Sqlite => TypeClass::Other(format!("SQLite {declared} (numeric affinity)")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    class: TypeClass,
    not_null: bool,
}

/// An index (or a unique constraint, which is one underneath), by what it covers: expressions
/// show as `(expression)`, and a partial index (`WHERE ...`) as partial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    table: String,
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

/// A schema as both databases can state it.
#[derive(Debug, Default)]
struct Schema {
    /// (table, column) → what it holds.
    columns: BTreeMap<(String, String), Column>,
    /// table → its primary key's columns, in order.
    primary_keys: BTreeMap<String, Vec<String>>,
    /// Every index but the primary keys', with how many there are of each.
    indexes: BTreeMap<Index, usize>,
}

const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, \
     p.type AS data_type, p.\"notnull\" AS not_null, p.pk AS pk \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%' \
     ORDER BY m.name, p.pk";

/// Every key column of every index (the primary keys' autoindexes aside), in order.
const SQLITE_INDEXES: &str = "SELECT m.name AS table_name, il.name AS index_name, \
     il.\"unique\" AS is_unique, il.partial AS is_partial, ii.name AS column_name \
     FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii \
     WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%' \
     AND il.origin <> 'pk' AND ii.key = 1 \
     ORDER BY m.name, il.name, ii.seqno";

const POSTGRES_COLUMNS: &str = "SELECT table_name::TEXT AS table_name, \
     column_name::TEXT AS column_name, data_type::TEXT AS data_type, \
     CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END::BIGINT AS not_null \
     FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name NOT LIKE '\\_%'";

/// Every index with its key columns (an expression's position has attribute number 0).
const POSTGRES_INDEXES: &str = "SELECT t.relname::TEXT AS table_name, \
     i.relname::TEXT AS index_name, \
     CASE WHEN ix.indisprimary THEN 1 ELSE 0 END::BIGINT AS is_primary, \
     CASE WHEN ix.indisunique THEN 1 ELSE 0 END::BIGINT AS is_unique, \
     CASE WHEN ix.indpred IS NULL THEN 0 ELSE 1 END::BIGINT AS is_partial, \
     (SELECT string_agg(CASE WHEN ix.indkey[k - 1] = 0 THEN '(expression)' \
             ELSE pg_get_indexdef(ix.indexrelid, k, true) END, ',' ORDER BY k) \
      FROM generate_series(1, ix.indnkeyatts) AS k) AS columns \
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
     JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE n.nspname = 'public' AND t.relname NOT LIKE '\\_%'";

async fn schema(db: &Db, backend: Backend) -> Schema {
    let mut schema = Schema::default();
    let (columns, indexes) = match backend {
        Backend::Sqlite => (SQLITE_COLUMNS, SQLITE_INDEXES),
        Backend::Postgres => (POSTGRES_COLUMNS, POSTGRES_INDEXES),
    };
    for row in sqlx::query(columns).fetch_all(db.pool()).await.unwrap() {
        let table: String = row.get("table_name");
        let column: String = row.get("column_name");
        let declared: String = row.get("data_type");
        let mut not_null = row.get::<i64, _>("not_null") == 1;
        if backend == Backend::Sqlite && row.get::<i64, _>("pk") > 0 {
            // SQLite lets NULL into a primary key that is not an INTEGER one unless the column
            // says NOT NULL (a bug kept for compatibility, sqlite.org/lang_createtable.html), and
            // cannot add NOT NULL to an existing column. The ids the store writes are never
            // NULL, PostgreSQL refuses NULL there, and the primary keys are compared on their
            // own: a primary key column counts as NOT NULL here.
            not_null = true;
            schema
                .primary_keys
                .entry(table.clone())
                .or_default()
                .push(column.clone());
        }
        let class = type_class(backend, &declared);
        schema
            .columns
            .insert((table, column), Column { class, not_null });
    }
    let mut found: BTreeMap<(String, String), (Index, bool)> = BTreeMap::new();
    for row in sqlx::query(indexes).fetch_all(db.pool()).await.unwrap() {
        let table: String = row.get("table_name");
        let name: String = row.get("index_name");
        let unique = row.get::<i64, _>("is_unique") == 1;
        let partial = row.get::<i64, _>("is_partial") == 1;
        let (columns, primary) = match backend {
            Backend::Sqlite => {
                let column: Option<String> = row.get("column_name");
                let column = column.unwrap_or_else(|| "(expression)".into());
                (vec![column], false)
            }
            Backend::Postgres => {
                let columns: String = row.get("columns");
                let columns = columns.split(',').map(str::to_owned).collect();
                (columns, row.get::<i64, _>("is_primary") == 1)
            }
        };
        let entry = found.entry((table.clone(), name)).or_insert((
            Index {
                table,
                columns: Vec::new(),
                unique,
                partial,
            },
            primary,
        ));
        entry.0.columns.extend(columns);
    }
    for (index, primary) in found.into_values() {
        if primary {
            schema.primary_keys.insert(index.table, index.columns);
        } else {
            *schema.indexes.entry(index).or_default() += 1;
        }
    }
    schema
}

/// Everything one schema says that the other does not, in words.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let columns: BTreeSet<_> = sqlite
        .columns
        .keys()
        .chain(postgres.columns.keys())
        .collect();
    for key @ (table, column) in columns {
        match (sqlite.columns.get(key), postgres.columns.get(key)) {
            (Some(s), Some(p)) if s == p => {}
            (s, p) => out.push(format!(
                "column {table}.{column}: SQLite {s:?}, PostgreSQL {p:?}"
            )),
        }
    }
    let tables: BTreeSet<_> = sqlite
        .primary_keys
        .keys()
        .chain(postgres.primary_keys.keys())
        .collect();
    for table in tables {
        let (s, p) = (
            sqlite.primary_keys.get(table),
            postgres.primary_keys.get(table),
        );
        if s != p {
            out.push(format!(
                "primary key of {table}: SQLite {s:?}, PostgreSQL {p:?}"
            ));
        }
    }
    let indexes: BTreeSet<_> = sqlite
        .indexes
        .keys()
        .chain(postgres.indexes.keys())
        .collect();
    for index in indexes {
        let (s, p) = (sqlite.indexes.get(index), postgres.indexes.get(index));
        if s != p {
            out.push(format!(
                "index {index:?}: {} on SQLite, {} on PostgreSQL",
                s.unwrap_or(&0),
                p.unwrap_or(&0)
            ));
        }
    }
    out
}

/// Both migration sets describe the same schema: one code path needs one. The same tables and
/// columns, each column of the same type class and nullability, the same primary keys, and the
/// same indexes and unique constraints by table and column list.
#[tokio::test]
async fn sqlite_and_postgres_schemas_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut schemas = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let database = fresh_database(backend, dir.path()).await;
        let db = Db::connect(&database.url, 2, Duration::from_secs(5))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        schemas.push(schema(&db, backend).await);
        db.close().await;
    }
    let (sqlite, postgres) = (&schemas[0], &schemas[1]);
    let cases = |s: &Schema| s.columns.keys().any(|(table, _)| table == "cases");
    assert!(cases(sqlite) && cases(postgres), "{sqlite:?}");
    assert!(
        sqlite.primary_keys.contains_key("cases") && !sqlite.indexes.is_empty(),
        "{sqlite:?}"
    );
    let differences = differences(sqlite, postgres);
    assert!(
        differences.is_empty(),
        "the SQLite and PostgreSQL schemas differ:\n{}",
        differences.join("\n")
    );
}

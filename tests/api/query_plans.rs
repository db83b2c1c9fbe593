//! No request on the hot paths plans a sequential scan of a large table (issue #13). The
//! statements are not listed by hand: the service's own, as PostgreSQL's pg_stat_statements saw
//! them while a coordinator and a young person made the benchmark's requests (session check,
//! case list, case in the API and as a page, document list, document metadata, a download). Each
//! is planned generically (as a prepared statement, whatever the values) with sequential scans
//! switched off: a sequential scan that remains is one no index can replace, whatever the size
//! of the table.

use crate::documents::{Store, form, team, uploaded_id};
use crate::helpers::{Backend, replace_database};
use crate::scale_seed::seed_cases;
use crate::team::get;
use serde_json::Value;
use sqlx::{Connection, Row};

/// Tables that grow with the country; a scan of anything else (municipalities, the audit chain
/// heads, the scrub's one row) is cheap at any size.
const LARGE: &[&str] = &[
    "accounts",
    "account_identities",
    "audit_events",
    "case_keys",
    "cases",
    "consents",
    "document_versions",
    "documents",
    "outbox",
    "participants",
    "sessions",
];

/// The cluster's superuser on the same server (the throwaway cluster trusts it).
fn superuser_url(url: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.set_username("postgres").unwrap();
    parsed.set_password(None).unwrap();
    parsed.to_string()
}

/// Every Seq Scan node over a large table in an EXPLAIN (FORMAT JSON) plan.
fn large_scans(plan: &Value, found: &mut Vec<String>) {
    if plan["Node Type"] == "Seq Scan"
        && let Some(table) = plan["Relation Name"].as_str()
        && LARGE.contains(&table)
    {
        found.push(table.to_owned());
    }
    for key in ["Plan", "Plans"] {
        match &plan[key] {
            Value::Array(children) => children.iter().for_each(|c| large_scans(c, found)),
            Value::Object(_) => large_scans(&plan[key], found),
            _ => {}
        }
    }
}

/// `PREPARE name AS statement`. A parameter whose type PostgreSQL cannot infer (`$2 IS NULL OR
/// …`: the service binds a text there) is declared `text`, the rest left to inference.
async fn prepare(admin: &mut sqlx::PgConnection, name: &str, statement: &str) {
    let mut as_text: Vec<usize> = Vec::new();
    loop {
        let types = (1..=as_text.iter().copied().max().unwrap_or(0))
            .map(|n| {
                if as_text.contains(&n) {
                    "text"
                } else {
                    "unknown"
                }
            })
            .collect::<Vec<_>>();
        let declared = if types.is_empty() {
            String::new()
        } else {
            format!(" ({})", types.join(", "))
        };
        let sql = format!("PREPARE {name}{declared} AS {statement}");
        let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *admin)
            .await
        else {
            return;
        };
        let message = e.to_string();
        let unknown = message
            .split("could not determine data type of parameter $")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<usize>().ok());
        match unknown {
            Some(n) if !as_text.contains(&n) => as_text.push(n),
            _ => panic!("{statement}: {message}"),
        }
    }
}

#[tokio::test]
async fn the_hot_paths_plan_no_sequential_scan_of_a_large_table() {
    let team = team(Backend::Postgres, Store::Local, "").await;
    let app = &team.app;
    seed_cases(app, 150, 10).await;
    let small = uploaded_id(
        &team,
        &team.coordinator,
        form(b"lille fil\n".to_vec(), "lille.txt", "Lille fil"),
    )
    .await;
    let database = url::Url::parse(&app.database_url).unwrap().path()[1..].to_owned();
    let mut admin = sqlx::PgConnection::connect(&replace_database(
        &superuser_url(&app.database_url),
        &database,
    ))
    .await
    .expect("the test cluster's superuser (scripts/test starts it with pg_stat_statements)");
    sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; ANALYZE;")
        .execute(&mut admin)
        .await
        .expect("pg_stat_statements is loaded (shared_preload_libraries)");
    sqlx::query(
        "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    )
    .execute(&mut admin)
    .await
    .unwrap();

    let case = &team.case;
    let document = small.as_str();
    let paths = [
        "/api/v1/me".to_owned(),
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{case}"),
        format!("/cases/{case}"),
        format!("/api/v1/cases/{case}/documents"),
        format!("/api/v1/documents/{document}"),
        format!("/api/v1/documents/{document}/content"),
    ];
    for client in [&team.coordinator, &team.young] {
        for path in &paths {
            let response = get(app, client, path).await;
            assert_eq!(response.status(), 200, "{path}");
        }
    }
    // The read rows are written in batches a moment after the answer: let them land.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let statements: Vec<String> = sqlx::query(
        "SELECT query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid \
         WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND r.rolname <> 'postgres' AND s.query ~* '^\\s*(SELECT|UPDATE|DELETE|WITH)'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap()
    .iter()
    .map(|row| row.get("query"))
    .collect();
    assert!(
        statements.len() >= 10,
        "the requests' statements were seen: {statements:#?}"
    );

    sqlx::raw_sql("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off;")
        .execute(&mut admin)
        .await
        .unwrap();
    let mut scans = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        let name = format!("hot_{i}");
        prepare(&mut admin, &name, statement).await;
        let parameters: i64 = sqlx::query(
            "SELECT COALESCE(array_length(parameter_types, 1), 0)::bigint AS n \
             FROM pg_prepared_statements WHERE name = $1",
        )
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .unwrap()
        .get("n");
        let nulls = vec!["NULL"; usize::try_from(parameters).unwrap()].join(", ");
        let execute = if parameters == 0 {
            name.clone()
        } else {
            format!("{name}({nulls})")
        };
        let explained = sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN (FORMAT JSON) EXECUTE {execute}"
        )))
        .fetch_one(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
        // `json` travels as its text, which sqlx's String reads once the type check is skipped
        // (the crate's json feature is not built for one test).
        let plan: Value =
            serde_json::from_str(&explained.try_get_unchecked::<String, _>(0).unwrap()).unwrap();
        let mut found = Vec::new();
        large_scans(&plan[0]["Plan"], &mut found);
        if !found.is_empty() {
            scans.push(format!("{found:?} in: {statement}"));
        }
    }
    assert!(
        scans.is_empty(),
        "sequential scans of large tables on the hot paths:\n{}",
        scans.join("\n")
    );
}

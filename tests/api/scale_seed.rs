//! `vejviser dev seed-scale` (issue #13): the proportions it promises, rows the service reads
//! as its own (sealed titles open, the coordinator's list and case load), and a second run that
//! adds without colliding with the first.

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::team::{get, logged_in};
use sqlx::Row;
use vejviser::seed::scale::{Keys, Plan, Seeded, seed};

pub async fn seed_cases(app: &TestApp, cases: u32, coordinator_cases: u32) -> Seeded {
    let state = &app.app;
    let keys = Keys {
        master: &state.keys,
        lookup: &state.lookup,
    };
    let plan = Plan {
        cases,
        municipalities: 3,
        coordinator_cases,
        seed: 7,
    };
    seed(&state.db, &keys, &plan, state.clock.now())
        .await
        .unwrap()
}

/// Per-case counts of `sql` (grouped by case id), smallest and largest.
async fn spread(app: &TestApp, sql: &str) -> (i64, i64) {
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(app.app.db.pool())
        .await
        .unwrap();
    let counts: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>("n")).collect();
    (*counts.iter().min().unwrap(), *counts.iter().max().unwrap())
}

async fn seeds_in_proportion_and_the_service_reads_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let first = seed_cases(&app, 60, 5).await;
    assert_eq!(first.cases, 60);
    assert_eq!(first.municipalities, 3);
    assert!((10 * 60..=30 * 60).contains(&first.documents), "{first:?}");
    assert!(
        first.versions >= first.documents && first.versions <= 4 * first.documents,
        "{first:?}"
    );
    let (fewest, most) = spread(
        &app,
        "SELECT COUNT(*) AS n FROM participants GROUP BY case_id",
    )
    .await;
    assert!(fewest >= 5 && most <= 15, "participants {fewest}..{most}");
    let (fewest, most) = spread(&app, "SELECT COUNT(*) AS n FROM documents GROUP BY case_id").await;
    assert!(fewest >= 10 && most <= 30, "documents {fewest}..{most}");
    let (fewest, most) = spread(
        &app,
        "SELECT COUNT(*) AS n FROM document_versions GROUP BY document_id",
    )
    .await;
    assert!(fewest >= 1 && most <= 4, "versions {fewest}..{most}");

    // The demo coordinator's five, read through the API as she sees them.
    let cases = get(&app, &coordinator, "/api/v1/cases").await;
    let cases: serde_json::Value = cases.json().await.unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 5, "{cases:?}");
    let case = cases[0]["id"].as_str().unwrap();
    let view: serde_json::Value = get(&app, &coordinator, &format!("/api/v1/cases/{case}"))
        .await
        .json()
        .await
        .unwrap();
    let participants = view["participants"].as_array().unwrap().len();
    assert!((5..=15).contains(&participants), "{view}");
    let documents: serde_json::Value = get(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/documents"),
    )
    .await
    .json()
    .await
    .unwrap();
    let documents = documents.as_array().unwrap();
    assert!((10..=30).contains(&documents.len()));
    let document = documents[0]["id"].as_str().unwrap();
    let detail: serde_json::Value =
        get(&app, &coordinator, &format!("/api/v1/documents/{document}"))
            .await
            .json()
            .await
            .unwrap();
    let name = detail["versions"][0]["file_name"].as_str().unwrap();
    assert!(
        name.ends_with(".pdf") || name.ends_with(".docx"),
        "the sealed file name opens: {detail}"
    );

    // A second run adds to the first: new people with CPR numbers of their own (the unique
    // index would refuse a repeat), the same municipalities, the coordinator kept at five.
    let second = seed_cases(&app, 40, 5).await;
    assert_eq!((second.cases, second.municipalities), (40, 0));
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cases")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(total, 100);
    let cases: serde_json::Value = get(&app, &coordinator, "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cases.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn seeds_in_proportion_and_the_service_reads_it_sqlite() {
    seeds_in_proportion_and_the_service_reads_it(Backend::Sqlite).await
}

#[tokio::test]
async fn seeds_in_proportion_and_the_service_reads_it_postgres() {
    seeds_in_proportion_and_the_service_reads_it(Backend::Postgres).await
}

use crate::helpers::{Backend, assert_problem, on_both_databases, postgres_admin_url, spawn_app};
use sqlx::Connection;

on_both_databases!(
    healthz_answers_while_running,
    readyz_answers_when_database_and_blobs_do,
    readyz_turns_503_when_the_database_is_gone,
    readyz_turns_503_when_the_blob_directory_is_gone,
);

async fn healthz_answers_while_running(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

async fn readyz_answers_when_database_and_blobs_do(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

async fn readyz_turns_503_when_the_database_is_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    match backend {
        // PostgreSQL: the database really disappears under the running service.
        Backend::Postgres => {
            let name = url::Url::parse(&app.database_url)
                .unwrap()
                .path()
                .trim_start_matches('/')
                .to_owned();
            let mut admin = sqlx::AnyConnection::connect(&postgres_admin_url())
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
        }
        // SQLite: an open file cannot be taken away, so the pool is closed under the service.
        Backend::Sqlite => app.app.db.close().await,
    }
    let body = assert_problem(app.get("/readyz").await, 503).await;
    assert_eq!(body["failing"], serde_json::json!(["database"]));
    // Liveness is not readiness: the process still runs.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

async fn readyz_turns_503_when_the_blob_directory_is_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    std::fs::remove_dir_all(app.data_dir.join("blobs")).unwrap();
    let body = assert_problem(app.get("/readyz").await, 503).await;
    assert_eq!(body["failing"], serde_json::json!(["blobs"]));
}

use crate::helpers::{
    Backend, assert_problem, on_both_databases, spawn_app, spawn_app_with, test_settings,
};
use vejviser::domain::cpr::Cpr;
use vejviser::domain::email::Email;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::startup::Application;
use vejviser::store::{StoreError, accounts, municipalities};

on_both_databases!(
    first_start_seeds_the_demo_municipality_once,
    production_like_settings_seed_nothing
);

async fn staff_count(db: &vejviser::store::Db) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'staff'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get("n")
}

async fn first_start_seeds_the_demo_municipality_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.app.db;
    let demo = municipalities::find_by_code(db, MunicipalityCode::parse("999").unwrap())
        .await
        .unwrap();
    let coordinator = accounts::find_staff_by_email(
        db,
        demo.id,
        &Email::parse("karen.holm@demo-kommune.example").unwrap(),
    )
    .await
    .unwrap();
    assert!(!coordinator.is_admin);
    let admin = accounts::find_staff_by_email(
        db,
        demo.id,
        &Email::parse("peter.dahl@demo-kommune.example").unwrap(),
    )
    .await
    .unwrap();
    assert!(admin.is_admin);
    assert_eq!(staff_count(db).await, 4);

    // A second start on the same database and data folder adds nothing.
    let again = Application::build(test_settings(&app.database_url, &app.data_dir, ""))
        .await
        .unwrap();
    assert_eq!(staff_count(&again.state().db).await, 4);

    let identities: Vec<serde_json::Value> =
        app.get("/dev-idp/identities").await.json().await.unwrap();
    let young17 = identities
        .iter()
        .find(|i| i["login_hint"] == "young17")
        .unwrap();
    let cpr = Cpr::parse(young17["cpr"].as_str().unwrap()).unwrap();
    assert_eq!(
        cpr.birth_date().to_string(),
        young17["birth_date"].as_str().unwrap()
    );
    assert_eq!(young17["provider"], "citizen");
    let coordinator = identities
        .iter()
        .find(|i| i["login_hint"] == "coordinator")
        .unwrap();
    assert_eq!(coordinator["provider"], "staff");
    assert!(coordinator.get("cpr").is_none());
}

async fn production_like_settings_seed_nothing(backend: Backend) {
    let app = spawn_app_with(
        backend,
        "[dev]\nidentity_provider = false\nseed_demo = false",
    )
    .await;
    let missing =
        municipalities::find_by_code(&app.app.db, MunicipalityCode::parse("999").unwrap()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
    assert_problem(app.get("/dev-idp/identities").await, 404).await;
    assert!(!app.data_dir.join("dev-idp").exists());
}

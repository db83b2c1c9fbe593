//! Document titles, file names and version notes are sealed with the case key, on both
//! databases: the rows (and SQLite's file) hold no known title in clear, users see them as
//! before, rows from before migration 0011 are sealed at start-up, and a shredded case's
//! titles cannot be read any more.

use crate::documents::{Store, Team, new_version, second_instance, team};
use crate::helpers::{Backend, on_both_databases};
use crate::key_operations::{run, vejviser};
use crate::team::{get, post};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sqlx::Row;

const TITLE: &str = "Psykiatrisk udredning";
const FILE_NAME: &str = "Udredning Sofie.pdf";
const NOTE: &str = "Lægens notat om angst";

async fn upload_sensitive(team: &Team) -> String {
    let form = Form::new()
        .text("title", TITLE)
        .text("kind", "other")
        .text("note", NOTE)
        .part(
            "file",
            Part::bytes(crate::documents::pdf(4000)).file_name(FILE_NAME),
        );
    crate::documents::uploaded_id(team, &team.professional, form).await
}

async fn detail(team: &Team, id: &str) -> Value {
    get(&team.app, &team.young, &format!("/api/v1/documents/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

/// The title, file name and note columns as stored: (clear, sealed) for each row.
async fn stored_texts(team: &Team) -> Vec<(String, Option<Vec<u8>>)> {
    let pool = team.app.app.db.pool();
    let mut found = Vec::new();
    for row in sqlx::query("SELECT title, title_sealed FROM documents")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        found.push((row.get("title"), row.get("title_sealed")));
    }
    for row in
        sqlx::query("SELECT file_name, file_name_sealed, note, note_sealed FROM document_versions")
            .fetch_all(pool)
            .await
            .unwrap()
    {
        found.push((row.get("file_name"), row.get("file_name_sealed")));
        let note: Option<String> = row.get("note");
        found.push((note.unwrap_or_default(), row.get("note_sealed")));
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// No row holds any of `texts` in clear, and every sealed value hides them.
async fn assert_sealed(team: &Team, texts: &[&str]) {
    for (clear, sealed) in stored_texts(team).await {
        for text in texts {
            assert!(!clear.contains(text), "{text:?} in clear: {clear:?}");
            if let Some(sealed) = &sealed {
                assert!(
                    !contains(sealed, text),
                    "{text:?} visible in a sealed value"
                );
            }
        }
    }
}

async fn texts_are_sealed_and_users_see_them_unchanged(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let id = upload_sensitive(&team).await;
    let response = new_version(
        &team,
        &team.professional,
        &id,
        Some("\"1\""),
        b"tekst".to_vec(),
    )
    .await;
    assert_eq!(response.status(), 201);
    let renamed = team
        .coordinator
        .patch(team.app.url(&format!("/api/v1/documents/{id}")))
        .json(&serde_json::json!({ "title": "Psykiatrisk udredning, rettet" }))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success(), "{}", renamed.status());

    let shown = detail(&team, &id).await;
    assert_eq!(shown["title"], "Psykiatrisk udredning, rettet");
    assert_eq!(shown["versions"][0]["file_name"], "plan.txt");
    assert_eq!(shown["versions"][0]["note"], "Rettet efter mødet");
    assert_eq!(shown["versions"][1]["file_name"], FILE_NAME);
    assert_eq!(shown["versions"][1]["note"], NOTE);
    let listed = crate::upload_rules::listed(&team, &team.young).await;
    assert_eq!(listed[0]["title"], "Psykiatrisk udredning, rettet");
    let (status, html) =
        crate::team::page(&team.app, &team.young, &format!("/documents/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Psykiatrisk udredning, rettet") && html.contains(NOTE),
        "{html}"
    );

    let texts = [
        TITLE,
        "Udredning Sofie",
        "Lægens notat",
        "Rettet efter mødet",
    ];
    assert_sealed(&team, &texts).await;
    if backend == Backend::Sqlite {
        // The file itself, and its write-ahead log, hold none of them.
        let path = team.app.database_url.trim_start_matches("sqlite://");
        let path = path.split('?').next().unwrap();
        for file in [path.to_owned(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                for text in texts {
                    assert!(!contains(&bytes, text), "{text:?} in {file}");
                }
            }
        }
    }
}

async fn rows_from_before_the_migration_are_sealed_at_start(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let id = upload_sensitive(&team).await;
    // What a row written before migration 0011 looks like: the texts in clear, nothing sealed.
    let pool = team.app.app.db.pool();
    sqlx::query("UPDATE documents SET title = 'Gammel udredning', title_sealed = NULL")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE document_versions SET file_name = 'gammel.pdf', file_name_sealed = NULL, \
         note = 'Gammel note', note_sealed = NULL",
    )
    .execute(pool)
    .await
    .unwrap();
    assert_eq!(
        detail(&team, &id).await["title"],
        "Gammel udredning",
        "read in clear meanwhile"
    );

    second_instance(&team.app, "").await;
    assert_sealed(&team, &["Gammel udredning", "gammel.pdf", "Gammel note"]).await;
    let shown = detail(&team, &id).await;
    assert_eq!(shown["title"], "Gammel udredning");
    assert_eq!(shown["versions"][0]["file_name"], "gammel.pdf");
    assert_eq!(shown["versions"][0]["note"], "Gammel note");
}

async fn a_shredded_cases_titles_are_unreadable(backend: Backend) {
    let team = team(backend, Store::Local, "retention_days_after_close = 0").await;
    let id = upload_sensitive(&team).await;
    let closed = post(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}/close", team.case),
        serde_json::json!({}),
    )
    .await;
    assert!(closed.status().is_success());
    let (ok, output) = run(vejviser(&team.app, None)
        .env("VEJVISER__DOCUMENTS__RETENTION_DAYS_AFTER_CLOSE", "0")
        .args(["case", "erase", &team.case]));
    assert!(ok, "{output}");

    // The rows stay as the trail, holding only ciphertext whose key is gone.
    let stored = stored_texts(&team).await;
    assert!(stored.iter().any(|(_, sealed)| sealed.is_some()));
    assert_sealed(&team, &[TITLE, "Udredning Sofie", "Lægens notat"]).await;
    let case = vejviser::domain::ids::CaseId::parse(&team.case).unwrap();
    let db = &team.app.app.db;
    assert!(
        vejviser::store::case_keys::get(db, case)
            .await
            .unwrap()
            .is_none()
    );
    // Nothing the service holds opens them: the master keys seal case keys, not titles.
    let row = vejviser::store::documents::find(
        db,
        vejviser::domain::ids::DocumentId::parse(&id).unwrap(),
    )
    .await
    .unwrap();
    let vejviser::store::documents::StoredText::Sealed(sealed) = row.title else {
        panic!("the title is sealed");
    };
    let purpose = vejviser::crypto::purpose::SealPurpose::DocumentTitle(row.id.uuid());
    assert!(vejviser::crypto::seal::open(&team.app.app.keys, purpose, &sealed).is_err());
    let gone = get(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/documents/{id}"),
    )
    .await;
    assert_eq!(gone.status(), 404);
}

on_both_databases!(
    texts_are_sealed_and_users_see_them_unchanged,
    rows_from_before_the_migration_are_sealed_at_start,
    a_shredded_cases_titles_are_unreadable,
);

//! The operator's key commands, run as the binary against a service's database and blobs:
//! master-key rotation (case keys re-sealed, no blob rewritten) and crypto-shredding a case.

use crate::documents::{Store, form, raw_blobs, second_instance, team, upload, uploaded_id};
use crate::helpers::Backend;
use crate::team::{case_of, get, post};
use std::process::Command;
use vejviser::store::audit::{self as store, AuditRow, Filter};

pub fn vejviser(app: &crate::helpers::TestApp, config: Option<&std::path::Path>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vejviser"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("VEJVISER__DATA_DIR", &app.data_dir)
        .env("VEJVISER__DATABASE__URL", &app.database_url)
        .env("VEJVISER__LOG__FORMAT", "json");
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command
}

pub fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_case_keys_and_the_old_key_can_go() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let id = uploaded_id(
        &team,
        &team.professional,
        form(b"hemmelig plan".to_vec(), "a.txt", "Plan"),
    )
    .await;
    let blob_before = raw_blobs(&team.app).await;

    // The development key the app made, plus a new one made active.
    let dev_keys =
        std::fs::read_to_string(team.app.data_dir.join("keys/master-keys.toml")).unwrap();
    let new_key = "k2026-12 = \"AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\"";
    let both = team.app.data_dir.join("both.toml");
    std::fs::write(
        &both,
        format!(
            "[crypto]\nactive_master_key = \"k2026-12\"\n[crypto.master_keys]\n{}\n{new_key}\n",
            dev_keys.trim()
        ),
    )
    .unwrap();
    let (ok, output) = run(vejviser(&team.app, Some(&both)).args(["keys", "rotate-master"]));
    assert!(ok, "{output}");
    assert!(output.contains("1 case keys"), "{output}");
    // Each rotation is a row in every municipality's chain, by the operator (#11).
    let rotations = audit_rows(&team.app.app.db, "rotate_keys").await;
    assert_eq!(rotations.len(), 1, "{rotations:?}");
    assert_eq!(rotations[0].actor_role.as_deref(), Some("operator"));
    assert!(rotations[0].municipality_id.is_some());
    let (ok, output) = run(vejviser(&team.app, Some(&both)).args(["keys", "rotate-master"]));
    assert!(ok && output.contains("0 case keys"), "idempotent: {output}");
    assert!(
        raw_blobs(&team.app).await == blob_before,
        "no blob was rewritten"
    );

    // An instance that knows only the new key reads the document.
    let only_new = format!(
        "[crypto]\nactive_master_key = \"k2026-12\"\n[crypto.master_keys]\n{new_key}\n[documents]\norphan_grace_minutes = 60\n"
    );
    let other = second_instance(&team.app, &only_new).await;
    let response = team
        .young
        .get(format!("{other}/api/v1/documents/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"hemmelig plan");
}

/// An instance whose master key has the right id but the wrong bytes (a mistyped secret) opens
/// nothing: downloads and uploads to the case are a plain 500, never garbage, and nothing is
/// stored; the right key still reads the document.
#[tokio::test]
async fn a_wrong_master_key_opens_nothing() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let id = uploaded_id(
        &team,
        &team.professional,
        form(b"hemmelig plan".to_vec(), "a.txt", "Plan"),
    )
    .await;
    let dev_keys =
        std::fs::read_to_string(team.app.data_dir.join("keys/master-keys.toml")).unwrap();
    let key_id = dev_keys
        .lines()
        .find(|l| !l.starts_with('#') && l.contains('='))
        .and_then(|l| l.split('=').next())
        .unwrap()
        .trim()
        .trim_matches('"');
    let wrong = format!(
        "[crypto]\nactive_master_key = \"{key_id}\"\n[crypto.master_keys]\n\"{key_id}\" = \"AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\"\n[documents]\norphan_grace_minutes = 60\n"
    );
    let other = second_instance(&team.app, &wrong).await;
    let response = team
        .young
        .get(format!("{other}/api/v1/documents/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    assert!(!body.contains("hemmelig"), "{body}");
    let blobs = raw_blobs(&team.app).await.len();
    let upload = team
        .professional
        .post(format!("{other}/api/v1/cases/{}/documents", team.case))
        .multipart(form(b"ny plan".to_vec(), "b.txt", "Ny"))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 500);
    assert_eq!(raw_blobs(&team.app).await.len(), blobs, "nothing stored");

    let right = team
        .young
        .get(team.app.url(&format!("/api/v1/documents/{id}/content")))
        .send()
        .await
        .unwrap();
    assert_eq!(right.bytes().await.unwrap().as_ref(), b"hemmelig plan");
}

#[tokio::test]
async fn erasing_a_case_shreds_its_key_and_blobs_and_keeps_the_trail() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let id = uploaded_id(
        &team,
        &team.professional,
        form(b"plan".to_vec(), "a.txt", "Plan"),
    )
    .await;
    let erase = |extra: &[&str]| {
        let mut command = vejviser(&team.app, None);
        command.args(["case", "erase", &team.case]).args(extra);
        run(&mut command)
    };

    let (ok, output) = erase(&[]);
    assert!(!ok && output.contains("not closed"), "{output}");
    let closed = post(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}/close", team.case),
        serde_json::json!({}),
    )
    .await;
    assert!(closed.status().is_success());
    let (ok, output) = erase(&[]);
    assert!(!ok && output.contains("retention period ends"), "{output}");
    let (ok, output) = erase(&["--reason", "Fejloprettet sag"]);
    assert!(!ok && output.contains("--admin"), "{output}");
    let (ok, output) = erase(&[
        "--admin",
        "karen.holm@demo-kommune.example",
        "--reason",
        "Fejloprettet sag",
    ]);
    assert!(!ok && output.contains("not an active admin"), "{output}");
    assert_eq!(
        raw_blobs(&team.app).await.len(),
        1,
        "nothing was erased yet"
    );

    let (ok, output) = erase(&[
        "--admin",
        "peter.dahl@demo-kommune.example",
        "--reason",
        "Fejloprettet sag",
    ]);
    assert!(ok, "{output}");
    assert!(output.contains("1 blobs deleted"), "{output}");
    assert!(raw_blobs(&team.app).await.is_empty());
    assert_eq!(
        case_of(&team.app, &team.coordinator, &team.case).await.0,
        404
    );
    let gone = get(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/documents/{id}/content"),
    )
    .await;
    assert_eq!(gone.status(), 404);

    // The trail stays: the version rows and the erasure with its reason.
    let db = &team.app.app.db;
    let versions = vejviser::store::documents::versions(
        db,
        vejviser::domain::ids::DocumentId::parse(&id).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(versions.len(), 1);
    let case = vejviser::domain::ids::CaseId::parse(&team.case).unwrap();
    assert!(
        vejviser::store::case_keys::get(db, case)
            .await
            .unwrap()
            .is_none(),
        "the case key is destroyed"
    );
    let (ok, output) = erase(&[]);
    assert!(!ok, "only once: {output}");
    // The erasure is in the case's access log, by the admin who asked (#11).
    let rows = audit_rows(db, "erase_case").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].case_id.as_deref(), Some(team.case.as_str()));
    assert_eq!(rows[0].actor_role.as_deref(), Some("admin"));
    assert!(rows[0].actor_account_id.is_some());
}

async fn audit_rows(db: &vejviser::store::Db, action: &str) -> Vec<AuditRow> {
    let filter = Filter {
        action: Some(action.to_owned()),
        ..Filter::default()
    };
    store::search(db, &filter, 0, 100).await.unwrap()
}

#[tokio::test]
async fn after_the_retention_period_erasure_needs_no_reason() {
    let team = team(
        Backend::Sqlite,
        Store::Local,
        "retention_days_after_close = 0",
    )
    .await;
    upload(
        &team,
        &team.professional,
        form(b"plan".to_vec(), "a.txt", "Plan"),
    )
    .await;
    post(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}/close", team.case),
        serde_json::json!({}),
    )
    .await;
    let (ok, output) = run(vejviser(&team.app, None)
        .env("VEJVISER__DOCUMENTS__RETENTION_DAYS_AFTER_CLOSE", "0")
        .args(["case", "erase", &team.case]));
    assert!(ok, "{output}");
    assert!(raw_blobs(&team.app).await.is_empty());
}

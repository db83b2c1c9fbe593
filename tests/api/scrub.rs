//! The scrub (issue #13): every stored version decrypted and hashed against what was recorded at
//! upload, on both databases and both blob stores; the background job's shared cursor and lease;
//! the job running in a service; and `vejviser documents verify`.

use crate::documents::uploaded_id;
use crate::documents::{Store, Team, form, new_version, on_both_databases_and_stores, pdf, team};
use crate::helpers::{Backend, audit_rows_of};
use crate::key_operations::{run, vejviser};
use crate::team::get;
use sqlx::Row;
use std::time::Duration;
use vejviser::documents::scrub::Scrubber;
use vejviser::documents::scrub_worker::{Round, round, scrubber_of};
use vejviser::store::scrub as progress;

/// The scrubber of the team's service, unpaced.
fn scrubber(team: &Team) -> Scrubber {
    Scrubber {
        bytes_per_second: None,
        ..scrubber_of(&team.app.app)
    }
}

/// The id and blob key of a document's version `number`.
async fn stored(team: &Team, document: &str, number: i64) -> (String, String) {
    let row = sqlx::query(
        "SELECT id, blob_key FROM document_versions WHERE document_id = $1 AND version = $2",
    )
    .bind(document)
    .bind(number)
    .fetch_one(team.app.app.db.pool())
    .await
    .unwrap();
    (row.get("id"), row.get("blob_key"))
}

async fn set_sha256(team: &Team, version: &str, sha256: &str) {
    sqlx::query("UPDATE document_versions SET sha256 = $1 WHERE id = $2")
        .bind(sha256)
        .bind(version)
        .execute(team.app.app.db.pool())
        .await
        .unwrap();
}

async fn blob(team: &Team, key: &str) -> Vec<u8> {
    let key = vejviser::blobs::BlobKey::new(key.to_owned()).unwrap();
    let mut reader = team.app.app.blobs.reader(&key).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(piece) = reader.next_chunk().await.unwrap() {
        bytes.extend_from_slice(&piece);
    }
    bytes
}

async fn replace_blob(team: &Team, key: &str, bytes: &[u8]) {
    let key = vejviser::blobs::BlobKey::new(key.to_owned()).unwrap();
    let mut writer = team.app.app.blobs.writer(&key).await.unwrap();
    writer.write(bytes).await.unwrap();
    writer.commit().await.unwrap();
}

async fn delete_blob(team: &Team, key: &str) {
    let key = vejviser::blobs::BlobKey::new(key.to_owned()).unwrap();
    team.app.app.blobs.delete(&key).await.unwrap();
}

/// Four documents, one with two versions; then a wrong stored hash, a missing blob and a flipped
/// bit: the scrub names exactly those three, with why, and records each once in the case's log,
/// where the young person reads it.
async fn the_scrub_names_each_damaged_version_once(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let mut documents = Vec::new();
    for (i, len) in [300_000, 70_000, 2_000_000, 5_000].into_iter().enumerate() {
        let name = format!("plan-{i}.pdf");
        let title = format!("Plan {i}");
        documents.push(uploaded_id(&team, &team.professional, form(pdf(len), &name, &title)).await);
    }
    let second = new_version(
        &team,
        &team.professional,
        &documents[0],
        Some("1"),
        b"Version to af planen\n".to_vec(),
    )
    .await;
    assert_eq!(second.status(), 201);
    let now = team.app.app.clock.now();

    let clean = scrubber(&team).walk(None, now).await.unwrap();
    assert_eq!((clean.checked, clean.damaged.len()), (5, 0), "{clean:?}");
    assert_eq!(clean.bytes, 300_000 + 70_000 + 2_000_000 + 5_000 + 21);

    let (wrong_hash, _) = stored(&team, &documents[1], 1).await;
    set_sha256(&team, &wrong_hash, &"0".repeat(64)).await;
    let (missing, missing_blob) = stored(&team, &documents[2], 1).await;
    delete_blob(&team, &missing_blob).await;
    let (flipped, flipped_blob) = stored(&team, &documents[3], 1).await;
    let mut bytes = blob(&team, &flipped_blob).await;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    replace_blob(&team, &flipped_blob, &bytes).await;

    for pass in 0..2 {
        let tally = scrubber(&team).walk(None, now).await.unwrap();
        assert_eq!(tally.checked, 5, "pass {pass}");
        let mut damaged: Vec<_> = tally
            .damaged
            .iter()
            .map(|d| (d.version.to_string(), d.reason.clone()))
            .collect();
        damaged.sort();
        let mut expected = vec![wrong_hash.clone(), missing.clone(), flipped.clone()];
        expected.sort();
        assert_eq!(
            damaged.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>(),
            expected,
            "pass {pass}: {damaged:?}"
        );
        let reason = |version: &str| &damaged.iter().find(|(v, _)| v == version).unwrap().1;
        assert!(reason(&wrong_hash).contains("SHA-256"), "{damaged:?}");
        assert!(reason(&missing).contains("missing"), "{damaged:?}");
        assert!(
            !reason(&flipped).contains("SHA-256"),
            "the chunk fails to open first"
        );
    }
    assert_eq!(
        audit_rows_of(&team.app, "integrity_failure").await,
        3,
        "recorded once a version, however often it is found"
    );
    let log = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/access-log", team.case),
    )
    .await
    .json::<serde_json::Value>()
    .await
    .unwrap();
    let sentences: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "integrity_failure")
        .map(|e| e["what_da"].as_str().unwrap())
        .collect();
    assert_eq!(sentences.len(), 3, "{log}");
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("»Plan 1«") && s.contains("beskadiget")),
        "{sentences:?}"
    );

    // One case only: this one's five versions; another case's none.
    let case = vejviser::domain::ids::CaseId::parse(&team.case).unwrap();
    let mine = scrubber(&team).walk(Some(case), now).await.unwrap();
    assert_eq!(mine.checked, 5);
    let other = vejviser::domain::ids::CaseId::parse(&uuid::Uuid::new_v4().to_string()).unwrap();
    assert_eq!(
        scrubber(&team)
            .walk(Some(other), now)
            .await
            .unwrap()
            .checked,
        0
    );
}

on_both_databases_and_stores!(the_scrub_names_each_damaged_version_once);

/// Two instances' rounds: one holds the lease and walks, the other waits; the pass ends when the
/// cursor has passed every version, and the next is not due until the interval has passed. A
/// lease that runs out (its instance died) passes on.
async fn one_instance_at_a_time_walks_every_version(backend: Backend) {
    let team = team(
        backend,
        Store::Local,
        "[documents.scrub]\nenabled = false\npass_interval_hours = 1",
    )
    .await;
    for i in 0..3 {
        let name = format!("plan-{i}.pdf");
        uploaded_id(&team, &team.professional, form(pdf(40_000), &name, "Plan")).await;
    }
    let state = &team.app.app;
    let scrubber = scrubber(&team);

    let Round::Checked(tally) = round(state, &scrubber, "a").await.unwrap() else {
        panic!("the first round checks");
    };
    assert_eq!((tally.checked, tally.damaged.len()), (3, 0));
    assert!(matches!(
        round(state, &scrubber, "b").await.unwrap(),
        Round::Busy
    ));
    let walked = progress::progress(&state.db).await.unwrap();
    assert_eq!(walked.cursor, tally.last);
    assert_eq!(walked.versions_checked, 3);
    assert!(walked.pass_started_at.is_some());

    // "a" stopped without letting go: its lease runs out, and "b" finishes the pass.
    sqlx::query("UPDATE scrub_progress SET lease_until = '2000-01-01T00:00:00.000000Z'")
        .execute(state.db.pool())
        .await
        .unwrap();
    match round(state, &scrubber, "b").await.unwrap() {
        Round::PassFinished {
            versions,
            mismatches,
        } => assert_eq!((versions, mismatches), (3, 0)),
        other => panic!("the pass ends: {other:?}"),
    }
    let finished = progress::progress(&state.db).await.unwrap();
    assert_eq!(finished.cursor, None);
    assert!(finished.last_pass_finished_at.is_some());
    for owner in ["a", "b"] {
        assert!(matches!(
            round(state, &scrubber, owner).await.unwrap(),
            Round::NotDue
        ));
    }
}

#[tokio::test]
async fn one_instance_at_a_time_walks_every_version_sqlite() {
    one_instance_at_a_time_walks_every_version(Backend::Sqlite).await
}

#[tokio::test]
async fn one_instance_at_a_time_walks_every_version_postgres() {
    one_instance_at_a_time_walks_every_version(Backend::Postgres).await
}

/// The job in a running service finds a version damaged after it was uploaded.
#[tokio::test]
async fn the_running_service_scrubs_in_the_background() {
    let team = team(
        Backend::Postgres,
        Store::Local,
        "[documents.scrub]\nenabled = true\npoll_interval_secs = 1\npass_interval_hours = 0",
    )
    .await;
    let id = uploaded_id(
        &team,
        &team.professional,
        form(pdf(90_000), "a.pdf", "Plan"),
    )
    .await;
    let (version, _) = stored(&team, &id, 1).await;
    set_sha256(&team, &version, &"f".repeat(64)).await;
    for _ in 0..300 {
        if audit_rows_of(&team.app, "integrity_failure").await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the background scrub did not record the damaged version within 30 s");
}

/// `vejviser documents verify`: exit 0 and a count when every version is whole; exit 1 naming
/// the damaged version when one is not; a clear error for a case id that is none.
#[tokio::test]
async fn the_verify_command_names_a_damaged_version_and_fails() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let id = uploaded_id(
        &team,
        &team.professional,
        form(pdf(90_000), "a.pdf", "Plan"),
    )
    .await;
    let (ok, output) = run(vejviser(&team.app, None).args(["documents", "verify"]));
    assert!(ok, "{output}");
    assert!(output.contains("1 versions checked"), "{output}");
    assert!(output.contains("0 damaged"), "{output}");

    let (version, _) = stored(&team, &id, 1).await;
    set_sha256(&team, &version, &"0".repeat(64)).await;
    let (ok, output) = run(vejviser(&team.app, None).args([
        "documents",
        "verify",
        "--case",
        &team.case,
        "--rate",
        "64",
    ]));
    assert!(!ok, "{output}");
    assert!(
        output.contains(&format!("DAMAGED: case {}", team.case)),
        "{output}"
    );
    assert!(output.contains(&version), "{output}");
    assert_eq!(audit_rows_of(&team.app, "integrity_failure").await, 1);

    let (ok, output) =
        run(vejviser(&team.app, None).args(["documents", "verify", "--case", "nope"]));
    assert!(!ok && output.contains("--case: not a case id"), "{output}");
}

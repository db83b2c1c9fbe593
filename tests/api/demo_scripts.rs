//! The README's demo scripts, run as a reader would run them against a running service: they end
//! with an error if any step of their story does not hold.

use crate::helpers::{Backend, TestApp, spawn_app};
use std::path::Path;
use std::process::Command;

/// Runs `script` against `app` off the async workers (the app answers it meanwhile).
async fn run(app: &TestApp, script: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let (base, data) = (app.address.clone(), app.data_dir.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(&script)
            .env("BASE", base)
            .env("DATA", data)
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    printed
}

#[tokio::test]
async fn the_documents_demo_tells_its_whole_story() {
    let app = spawn_app(Backend::Sqlite).await;
    let printed = run(&app, "scripts/demo-documents.sh").await;
    for step in [
        "downloaded it byte for byte",
        "uploaded version 2 with If-Match: \"1\"",
        "a second upload based on version 1: 412",
        "ciphertext only",
    ] {
        assert!(printed.contains(step), "{printed}");
    }
}

#[tokio::test]
async fn the_consent_demo_tells_its_whole_story() {
    let app = spawn_app(Backend::Sqlite).await;
    let printed = run(&app, "scripts/demo-consent.sh").await;
    let line = |start: &str| {
        printed
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("consultant sees")
            .ends_with("(False, ['consent_young_person', 'consent_custody_holder'], False)"),
        "{printed}"
    );
    assert!(
        line("after both consents").ends_with("(True, [], True)"),
        "{printed}"
    );
    assert!(
        line("after the young person withdraws").ends_with("False)"),
        "{printed}"
    );
}

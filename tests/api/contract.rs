//! The JSON API held to its own OpenAPI document by schemathesis (PyPI, pinned in .ci/run):
//! it generates valid and invalid requests for every operation, sends them as several roles
//! and without a session, and checks every answer: no server error, a documented status,
//! content type and schema, invalid data refused, a session required, 405 with `Allow`.
//! Runs against a team's real case and document (ids fixed by a schemathesis config) and once
//! with ids it makes up. Left out: `positive_data_acceptance`, since the service refuses with a
//! documented 422 naming the field what JSON Schema cannot say (a CPR number's date, a
//! successor who must be active staff, one of two fields but not both).

use crate::documents::{Store, form, team, uploaded_id, young_person_id};
use crate::helpers::{Backend, TestApp};
use crate::team::{get, logged_in, session_token_for};
use std::path::Path;
use std::process::Command;
use vejviser::domain::assurance_level::AssuranceLevel;
use vejviser::domain::ids::AccountId;

/// Test cases per operation and phase: enough to reach every documented status, small enough
/// for CI (README: reliability).
const EXAMPLES: &str = "25";

#[tokio::test]
async fn the_api_answers_as_its_openapi_document_says_for_every_role() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let app = &team.app;
    let document = uploaded_id(
        &team,
        &team.coordinator,
        form(b"plan".to_vec(), "plan.pdf", "Plan"),
    )
    .await;
    let participant = young_person_id(&team).await;
    let admin = logged_in(app, "admin").await;
    let professional_id = account_id(app, &team.professional).await;
    let coordinator_id = AccountId::parse(&account_id(app, &team.coordinator).await).unwrap();

    let ids = format!(
        "[parameters]\ncase_id = \"{}\"\ndocument_id = \"{document}\"\nparticipant_id = \"{participant}\"\naccount_id = \"{professional_id}\"\nn = 1\n",
        team.case
    );
    let mut runs = vec![("no session", String::new())];
    for (role, client) in [
        ("the young person", &team.young),
        ("a professional", &team.professional),
        ("the admin", &admin),
        ("the coordinator", &team.coordinator),
    ] {
        let account = AccountId::parse(&account_id(app, client).await).unwrap();
        let token = session_token_for(app, account, AssuranceLevel::Substantial).await;
        runs.push((role, format!("{}{ids}", session(&token))));
    }
    let token = session_token_for(app, coordinator_id, AssuranceLevel::Substantial).await;
    runs.push(("the coordinator, with made-up ids", session(&token)));

    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (who, config) in runs {
        if let Err(report) = schemathesis(app, &config, dir.path()).await {
            failures.push(format!("as {who}:\n{report}"));
        }
    }
    assert!(
        failures.is_empty(),
        "schemathesis found problems {}",
        failures.join("\n")
    );
}

/// The session cookie as schemathesis sends it: through the document's `session` scheme, so
/// that it also tries each operation without it.
fn session(token: &str) -> String {
    format!("[auth.openapi.session]\napi_key = \"{token}\"\n")
}

async fn account_id(app: &TestApp, client: &reqwest::Client) -> String {
    let me: serde_json::Value = get(app, client, "/api/v1/me").await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

/// One schemathesis run with `config` (TOML); its report when it finds anything. It waits on
/// a blocking thread, since the server under test runs on this test's own single-thread
/// runtime and must go on answering.
async fn schemathesis(app: &TestApp, config: &str, dir: &Path) -> Result<(), String> {
    let config_file = dir.join("schemathesis.toml");
    std::fs::write(&config_file, config).unwrap();
    let mut command = Command::new("schemathesis");
    // Its cache of earlier findings goes into the temporary directory, not the checkout.
    command
        .current_dir(dir)
        .arg("--config-file")
        .arg(&config_file)
        .arg("--no-color")
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args([
            "--mode",
            "all",
            "--max-examples",
            EXAMPLES,
            "--seed",
            "2026",
        ])
        .args(["--phases", "examples,coverage,fuzzing", "--workers", "1"])
        .args(["--suppress-health-check", "all", "--request-timeout", "30"])
        .arg("--report-dir")
        .arg(dir.join("report"));
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| {
            panic!("schemathesis could not start ({e}): run the suite with scripts/test, which installs it")
        });
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{report}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !every_operation_tested(&report) || report.contains("Errored:") {
        return Err(format!("not every operation was tested:\n{report}"));
    }
    Ok(())
}

/// The summary's "Selected: 41/41" and "Tested: 41" agree: no operation was skipped.
fn every_operation_tested(report: &str) -> bool {
    let after = |label: &str| {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(label).map(str::trim))
    };
    let total = after("Selected:").and_then(|s| s.split('/').nth(1));
    matches!((total, after("Tested:")), (Some(total), Some(tested)) if total == tested && tested != "0")
}

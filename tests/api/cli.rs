//! The binary itself: configuration from the environment, the production refusals, the
//! administration commands, and shutting down on SIGTERM.

use crate::helpers::{Backend, fresh_database, on_both_databases};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

on_both_databases!(
    admin_commands_create_municipalities_and_staff,
    production_starts_from_the_environment_and_stops_on_sigterm,
);

fn vejviser(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vejviser"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("VEJVISER__DATA_DIR", data_dir)
        .env("VEJVISER__DATABASE__URL", database_url)
        .env("VEJVISER__LOG__FORMAT", "json");
    command
}

fn run(command: &mut Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn production_without_secrets_exits_naming_the_missing_settings() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_vejviser"))
        .env_clear()
        .env("VEJVISER__DATA_DIR", dir.path())
        .args(["--profile", "production"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for setting in [
        "crypto.master_keys",
        "crypto.active_master_key",
        "crypto.lookup_key",
        "database.url",
        "server.public_url",
    ] {
        assert!(
            stderr.contains(setting),
            "{setting} not named in:\n{stderr}"
        );
    }
    // It refused before touching anything.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_profile_can_come_from_the_environment() {
    let output = Command::new(env!("CARGO_BIN_EXE_vejviser"))
        .env_clear()
        .env("VEJVISER_PROFILE", "production")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("crypto.master_keys"));
}

async fn admin_commands_create_municipalities_and_staff(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(backend, dir.path()).await;
    let url = database.url.clone();
    let (ok, out, _) = run(vejviser(dir.path(), &url).arg("migrate"));
    assert!(ok && out.contains("Migrations applied"), "{out}");

    let create = |code: &str| {
        run(vejviser(dir.path(), &url).args([
            "municipality",
            "create",
            "--code",
            code,
            "--name",
            "Københavns Kommune",
        ]))
    };
    let (ok, out, err) = create("101");
    assert!(ok, "{err}");
    assert!(out.contains("Created municipality 101"), "{out}");
    let (ok, _, err) = create("101");
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = create("10");
    assert!(!ok && err.contains("--code"), "{err}");

    let staff = |municipality: &str, email: &str| {
        let args = [
            "staff",
            "create",
            "--municipality",
            municipality,
            "--email",
            email,
            "--name",
            "Ida Ølgaard",
            "--admin",
        ];
        run(vejviser(dir.path(), &url).args(args))
    };
    let (ok, out, err) = staff("101", "ida@kk.dk");
    assert!(ok && out.contains("Created staff account"), "{out}{err}");
    // The new account is in the municipality's access log, created by the operator (#11).
    let db = vejviser::store::Db::connect(&url, 1, std::time::Duration::from_secs(5))
        .await
        .unwrap();
    let created = vejviser::store::audit::Filter {
        action: Some("create_staff".to_owned()),
        ..Default::default()
    };
    let rows = vejviser::store::audit::search(&db, &created, 0, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].actor_role.as_deref(), Some("operator"));
    assert!(
        out.contains(rows[0].target_account_id.as_deref().unwrap()),
        "{out}"
    );
    let (ok, _, err) = staff("101", "IDA@kk.dk");
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = staff("555", "ida@kk.dk");
    assert!(
        !ok && err.contains("no municipality with code 555"),
        "{err}"
    );
    let (ok, _, err) = staff("101", "not-an-address");
    assert!(!ok && err.contains("--email"), "{err}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn production_starts_from_the_environment_and_stops_on_sigterm(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(backend, dir.path()).await;
    let url = database.url.clone();
    let port = free_port();
    let child = vejviser(dir.path(), &url)
        .env("VEJVISER_PROFILE", "production")
        .env("VEJVISER__SERVER__ADDRESS", format!("127.0.0.1:{port}"))
        .env(
            "VEJVISER__SERVER__PUBLIC_URL",
            "https://vejviser.test.example",
        )
        .env("VEJVISER__CRYPTO__ACTIVE_MASTER_KEY", "k2026")
        .env(
            "VEJVISER__CRYPTO__MASTER_KEYS__K2026",
            "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        )
        .env(
            "VEJVISER__CRYPTO__LOOKUP_KEY",
            "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=",
        )
        // Production mails over SMTP with STARTTLS and a login (the test server's, unused here).
        .env("VEJVISER__MAIL__FROM", "Vejviser <no-reply@test.example>")
        .env("VEJVISER__MAIL__SMTP__HOST", "127.0.0.1")
        .env("VEJVISER__MAIL__SMTP__PORT", "587")
        .env("VEJVISER__MAIL__SMTP__TLS", "starttls")
        .env("VEJVISER__MAIL__SMTP__USERNAME", "vejviser")
        .env("VEJVISER__MAIL__SMTP__PASSWORD", "test-password")
        .env("VEJVISER__MAIL__SMTP__TIMEOUT_SECS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let started = Instant::now();
    let response = loop {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            break response;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_some(),
        "production sends HSTS"
    );
    let readyz = client
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(readyz.status(), 200);
    // Production neither runs the development provider nor seeds demo data.
    let dev = client
        .get(format!("http://127.0.0.1:{port}/dev-idp/identities"))
        .send()
        .await
        .unwrap();
    assert_eq!(dev.status(), 404);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.status.success(),
        "SIGTERM is a clean stop: {:?}",
        status.status
    );
    let logs = String::from_utf8_lossy(&status.stderr);
    // Production logs are JSON lines, and name no personal data (nothing to name yet: at least no paths).
    let first = logs.lines().next().unwrap_or_default();
    assert!(
        serde_json::from_str::<serde_json::Value>(first).is_ok(),
        "JSON logs: {first}"
    );
    assert!(logs.contains("\"stopped\""), "{logs}");
}

#[tokio::test]
async fn set_password_reads_standard_input_and_refuses_weak_passwords() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(Backend::Sqlite, dir.path()).await;
    let url = database.url.clone();
    let run_ok = |args: &[&str]| {
        let (ok, _, err) = run(vejviser(dir.path(), &url).args(args));
        assert!(ok, "{err}");
    };
    run_ok(&[
        "municipality",
        "create",
        "--code",
        "461",
        "--name",
        "Odense Kommune",
    ]);
    run_ok(&[
        "staff",
        "create",
        "--municipality",
        "461",
        "--email",
        "bo@odense.dk",
        "--name",
        "Bo Ek",
    ]);
    let set = |password: &str| {
        let mut child = vejviser(dir.path(), &url)
            .args([
                "staff",
                "set-password",
                "--municipality",
                "461",
                "--email",
                "bo@odense.dk",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, err) = set("short");
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, err) = set("en lang og god adgangskode");
    assert!(ok, "{err}");
    let hash: String = {
        let db = vejviser::store::Db::connect(&url, 1, Duration::from_secs(5))
            .await
            .unwrap();
        sqlx::query_scalar("SELECT password_hash FROM staff_credentials")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("god adgangskode"));
}

//! Delivery faults with real processes and a real SMTP server: the service killed (SIGKILL)
//! after the commit and before delivery, then started again with the server up (every message
//! arrives, once); and two instances on one PostgreSQL sending the same backlog (no Message-ID
//! twice). The rows are written by a test app whose own worker is off.

use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app_with, test_settings};
use crate::notifications::{new_version_by_coordinator, story};
use crate::support::mail::{OwnServer, backlog, free_port, received_for, smtp_settings, wait_for};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vejviser::startup::Application;
use vejviser::store::outbox::MessageState;

/// The real binary on the test app's database and keys, delivering to SMTP on `smtp_port`.
fn service(app: &TestApp, smtp_port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vejviser"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("VEJVISER__DATA_DIR", &app.data_dir)
        .env("VEJVISER__DATABASE__URL", &app.database_url)
        .env(
            "VEJVISER__SERVER__ADDRESS",
            format!("127.0.0.1:{}", free_port()),
        )
        .env("VEJVISER__SERVER__PUBLIC_URL", "http://127.0.0.1:0")
        .env("VEJVISER__MAIL__BACKEND", "smtp")
        .env("VEJVISER__MAIL__POLL_INTERVAL_MS", "50")
        .env("VEJVISER__MAIL__RETRY_BASE_MS", "100")
        .env("VEJVISER__MAIL__RETRY_MAX_MS", "400")
        .env("VEJVISER__MAIL__MAX_ATTEMPTS", "1000")
        .env("VEJVISER__MAIL__LEASE_SECS", "1")
        .env("VEJVISER__MAIL__SMTP__HOST", "127.0.0.1")
        .env("VEJVISER__MAIL__SMTP__PORT", smtp_port.to_string())
        .env("VEJVISER__MAIL__SMTP__TLS", "none")
        .env("VEJVISER__MAIL__SMTP__TIMEOUT_SECS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the vejviser binary starts")
}

/// How often each of `rows`' Message-IDs arrived in `dir`.
fn arrivals(dir: &std::path::Path, rows: &[MessageState]) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for mail in received_for(dir, rows) {
        *seen.entry(mail.message_id).or_insert(0) += 1;
    }
    seen
}

async fn killed_after_the_commit_the_message_is_sent_after_restart_once(backend: Backend) {
    let port = free_port();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let story = story(spawn_app_with(backend, &settings).await).await;
    new_version_by_coordinator(&story).await;
    // The server is down: the service tries every message, fails, and is killed mid-way.
    let mut first = service(&story.app, port);
    let rows = wait_for(&story.app, &story.case, |rows| {
        !rows.is_empty() && rows.iter().all(|r| r.attempts >= 1)
    })
    .await;
    assert!(rows.iter().all(|r| r.status == "pending"), "{rows:?}");
    first.kill().unwrap(); // SIGKILL: no graceful stop, leases left behind
    first.wait().unwrap();
    let server = OwnServer::start(port).await;
    let mut second = service(&story.app, port);
    let rows = wait_for(&story.app, &story.case, |rows| {
        rows.iter().all(|r| r.status != "pending")
    })
    .await;
    let mut seen = arrivals(server.maildir.path(), &rows);
    for _ in 0..100 {
        if seen.len() == rows.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = arrivals(server.maildir.path(), &rows);
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(rows.iter().all(|r| r.status == "sent"), "{rows:?}");
    assert_eq!(seen.len(), rows.len(), "every message arrived");
    assert!(seen.values().all(|&n| n == 1), "none twice: {seen:?}");
}

async fn two_instances_send_one_backlog_without_a_message_twice(backend: Backend) {
    let server = OwnServer::start(free_port()).await;
    let port: u16 = server_port(&server);
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let story = story(spawn_app_with(backend, &settings).await).await;
    let app = &story.app;
    let ids = backlog(app, &story.case, 400).await;
    let (one, two) = (instance(app, port).await, instance(app, port).await);
    let rows = wait_for(app, &story.case, |rows| {
        rows.iter().all(|r| r.status != "pending")
    })
    .await;
    one.abort();
    two.abort();
    let mut seen = arrivals(server.maildir.path(), &rows);
    for _ in 0..100 {
        if seen.len() == rows.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = arrivals(server.maildir.path(), &rows);
    }
    assert!(rows.len() >= ids.len());
    assert!(
        rows.iter()
            .all(|r| r.status == "sent" || r.status == "dropped"),
        "{rows:?}"
    );
    let sent = rows.iter().filter(|r| r.status == "sent").count();
    assert_eq!(seen.len(), sent, "every message arrived");
    assert!(seen.values().all(|&n| n == 1), "none twice: {seen:?}");
}

/// Another instance of the service on the test app's database and keys, its worker on.
async fn instance(app: &TestApp, port: u16) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let mail = smtp_settings(port, "batch_size = 10\n");
    let settings = test_settings(&app.database_url, &app.data_dir, &mail);
    let built = Application::build(settings).await.unwrap();
    tokio::spawn(built.run_until_stopped())
}

fn server_port(server: &OwnServer) -> u16 {
    server.port
}

on_both_databases!(
    killed_after_the_commit_the_message_is_sent_after_restart_once,
    two_instances_send_one_backlog_without_a_message_twice,
);

//! The mail benchmark (`scripts/bench-mail.sh`, ignored in the ordinary run): 10 000 outbox
//! messages delivered by the worker through a local aiosmtpd (tests/smtp/server.py); prints
//! messages per second, and checks by Message-ID that none is lost or duplicated.

use crate::helpers::{Backend, spawn_app_with, test_settings};
use crate::notifications::story;
use crate::support::mail::{OwnServer, backlog, free_port, received_for, smtp_settings};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use vejviser::domain::ids::CaseId;
use vejviser::startup::Application;
use vejviser::store::outbox;

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-mail.sh runs it"]
async fn ten_thousand_notifications_through_local_smtp() {
    let backend = match std::env::var("VEJVISER_BENCH_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    // 10 000 by default; VEJVISER_BENCH_MESSAGES for a shorter run.
    let messages: usize = std::env::var("VEJVISER_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let server = OwnServer::start(free_port()).await;
    let settings = smtp_settings(server.port, "").replace("worker = true", "worker = false");
    let story = story(spawn_app_with(backend, &settings).await).await;
    let app = &story.app;
    let case = CaseId::parse(&story.case).unwrap();
    let ids = backlog(app, &story.case, messages).await;
    // VEJVISER_BENCH_CONCURRENCY: messages in flight (the default setting's 8 otherwise).
    let concurrency = std::env::var("VEJVISER_BENCH_CONCURRENCY").unwrap_or_else(|_| "8".into());
    let extra = format!("batch_size = 100\nconcurrency = {concurrency}\n");
    let worker_settings = test_settings(
        &app.database_url,
        &app.data_dir,
        &smtp_settings(server.port, &extra),
    );
    let started = Instant::now();
    let instance = tokio::spawn(
        Application::build(worker_settings)
            .await
            .unwrap()
            .run_until_stopped(),
    );
    // Counting the pending rows, not reading them all, so the watching costs the worker little.
    let rows = loop {
        if outbox::pending(&app.app.db).await.unwrap().0 == 0 {
            break outbox::for_case(&app.app.db, case).await.unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(7200),
            "the backlog did not drain"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    instance.abort();
    let mine: Vec<_> = rows
        .iter()
        .filter(|r| ids.contains(&r.id))
        .cloned()
        .collect();
    assert_eq!(mine.len(), messages);
    assert!(
        mine.iter().all(|r| r.status == "sent"),
        "every message sent"
    );
    let mut seen = BTreeMap::new();
    for _ in 0..200 {
        seen.clear();
        for mail in received_for(server.maildir.path(), &mine) {
            *seen.entry(mail.message_id).or_insert(0usize) += 1;
        }
        if seen.len() == messages {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let duplicated = seen.values().filter(|&&n| n > 1).count();
    println!(
        "bench-mail ({backend:?}): {messages} messages in {seconds:.1} s = {:.0} messages/s; \
         {} distinct Message-IDs arrived, {} lost, {duplicated} duplicated",
        messages as f64 / seconds,
        seen.len(),
        messages - seen.len()
    );
    assert_eq!(seen.len(), messages, "none lost");
    assert_eq!(duplicated, 0, "none duplicated");
}

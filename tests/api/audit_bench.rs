//! The access log's cost (`scripts/bench-audit.sh`, ignored in the ordinary run): 50 clients at
//! once view the case, then download its document, for a few seconds each, with the audit write
//! or without it (`VEJVISER_BENCH_AUDIT=off`: `dev.skip_read_audit`, refused in production);
//! prints requests per second and the p50/p99 latency of each as a `bench-audit-result` line.

use crate::documents::{Store, Team, form, team, uploaded_id};
use crate::helpers::Backend;
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;

struct Measured {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// `CLIENTS` tasks sending GET `path` as the professional until `run` is over (after a second of
/// warm-up that is not counted); every answer must be a 200.
async fn load(team: &Team, path: &str, run: Duration) -> Measured {
    let url = team.app.url(path);
    let warm_up = Instant::now() + Duration::from_secs(1);
    let until = warm_up + run;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, url) = (team.professional.clone(), url.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < until {
                    let started = Instant::now();
                    let response = client.get(&url).send().await.unwrap();
                    assert_eq!(response.status(), 200);
                    response.bytes().await.unwrap();
                    if started >= warm_up {
                        latencies.push(started.elapsed());
                    }
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    Measured {
        per_second: all.len() as f64 / run.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-audit.sh runs it"]
async fn fifty_clients_view_and_download() {
    let backend = match std::env::var("VEJVISER_BENCH_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let seconds = std::env::var("VEJVISER_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    // One configuration a process (the script alternates them), so each has the same fresh start.
    let audit = std::env::var("VEJVISER_BENCH_AUDIT").unwrap_or_else(|_| "on".into());
    let settings = match audit.as_str() {
        "off" => "[dev]\nskip_read_audit = true",
        _ => "",
    };
    let team = team(backend, Store::Local, settings).await;
    let plan = vec![b'x'; 64 * 1024];
    let document = uploaded_id(&team, &team.coordinator, form(plan, "plan.txt", "Plan")).await;
    let run = Duration::from_secs(seconds);
    for (what, path) in [
        ("case_view", format!("/api/v1/cases/{}", team.case)),
        (
            "download_64k",
            format!("/api/v1/documents/{document}/content"),
        ),
    ] {
        let m = load(&team, &path, run).await;
        println!(
            "bench-audit-result {backend:?} audit={audit} {what} {:.0} {:.1} {:.1}",
            m.per_second, m.p50_ms, m.p99_ms
        );
    }
}

//! PostgreSQL restarted or out of reach under the running service (#15): requests answer 503
//! with a problem body (a page for a browser) within the pool's acquire time-out, `/readyz`
//! says so, nothing half-done is left, and the service recovers by itself, with every case it
//! answered 2xx for still there.
//!
//! The service reaches the real PostgreSQL through a fault proxy; SQLite is a file and has no
//! such fault (its "database gone" case is in `health.rs`).

use crate::documents::{Store, multipart_head, pdf, store_settings, team_on};
use crate::helpers::{Backend, TestApp, assert_problem, spawn_app_routed};
use crate::support::fault_proxy::{FaultProxy, Mode};
use crate::team::{create_case, get, identity, logged_in, page, post};
use crate::upload_rules::assert_nothing_kept;
use crate::upload_stalls::the_professionals_cookie;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `test_settings` sets the acquire time-out to 2 s; an answer may take that plus the
/// request's own work. A request still unanswered at this bound counts as hanging.
const ANSWER_BOUND: Duration = Duration::from_secs(8);

/// Recovery is the pool opening a new connection on the next request; this bounds the wait.
const RECOVERY_BOUND: Duration = Duration::from_secs(20);

#[tokio::test]
async fn postgres_restart_and_outage_answer_503_then_the_service_recovers() {
    let (app, proxy) = app_behind_proxy("").await;
    let coordinator = logged_in(&app, "coordinator").await;
    let before = create_case(&app, &coordinator, "young17").await;
    let cases_before = case_ids(&app, &coordinator).await;

    for fault in [Mode::Refuse, Mode::Blackhole] {
        proxy.set(fault);
        let started = Instant::now();
        let body = assert_problem(
            timed(get(&app, &coordinator, &format!("/api/v1/cases/{before}"))).await,
            503,
        )
        .await;
        assert!(started.elapsed() < ANSWER_BOUND, "{fault:?}");
        assert_eq!(body["type"], "urn:vejviser:problem:database-unavailable");
        assert!(body["detail_da"].as_str().is_some_and(|t| !t.is_empty()));

        // A change asked for during the outage is refused whole.
        let person = identity(&app, "young19").await;
        let refused = timed(post(
            &app,
            &coordinator,
            "/api/v1/cases",
            json!({
                "young_person": { "cpr": person["cpr"], "name": person["name"] },
                "placement": "Opholdssted"
            }),
        ))
        .await;
        assert_problem(refused, 503).await;

        // A browser gets a page saying what to do, not a problem body or a blank 500.
        let (status, html) = timed(page(&app, &coordinator, &format!("/cases/{before}"))).await;
        assert_eq!(status, 503, "{fault:?}");
        assert!(html.contains("<html"), "{html}");
        assert!(html.contains("Prøv igen om lidt"), "{html}");

        let ready = assert_problem(timed(app.get("/readyz")).await, 503).await;
        assert_eq!(ready["failing"], json!(["database"]));
        assert_eq!(app.get("/healthz").await.status(), 200);
    }

    proxy.set(Mode::Pass);
    let recovered = wait_until_ready(&app).await;
    assert!(
        recovered,
        "the service did not recover within {RECOVERY_BOUND:?}"
    );
    // Everything answered 2xx before the fault is there, and nothing refused during it is.
    assert_eq!(case_ids(&app, &coordinator).await, cases_before);
    let (status, _) = page(&app, &coordinator, &format!("/cases/{before}")).await;
    assert_eq!(status, 200);
    create_case(&app, &coordinator, "young19").await;
    assert_eq!(
        case_ids(&app, &coordinator).await.len(),
        cases_before.len() + 1
    );
}

/// The database goes while a file's body is arriving: the upload answers 503, no document
/// appears, and once the database is back the orphan sweep leaves neither blob nor note.
#[tokio::test]
async fn an_upload_whose_database_goes_mid_body_leaves_nothing_after_the_sweep() {
    let (app, proxy) = app_behind_proxy(&store_settings(Store::Local, "")).await;
    let team = team_on(app).await;
    let token = the_professionals_cookie(&team).await;

    let boundary = "vejviser-outage";
    let head = multipart_head(boundary);
    let file = pdf(2 * 1024 * 1024);
    let tail = format!("\r\n--{boundary}--\r\n");
    let address = team.app.address.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let request_head = format!(
        "POST /api/v1/cases/{}/documents HTTP/1.1\r\nHost: {address}\r\n\
         Cookie: vejviser_session={token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{head}",
        team.case,
        head.len() + file.len() + tail.len()
    );
    let (first, rest) = file.split_at(512 * 1024);
    stream.write_all(request_head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    stream.flush().await.unwrap();
    // The service has taken the upload on (its pending note is written) and is storing the blob.
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.set(Mode::Refuse);
    stream.write_all(rest).await.unwrap();
    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    timed(stream.read_to_end(&mut answer)).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("database-unavailable"), "{answer}");

    proxy.set(Mode::Pass);
    assert!(wait_until_ready(&team.app).await);
    let state = &team.app.app;
    vejviser::documents::sweeper::sweep(&state.db, &state.blobs, &state.clock, Duration::ZERO)
        .await;
    assert_nothing_kept(&team, 0).await;
}

/// The service on a fresh PostgreSQL database, reached through a proxy the test breaks.
async fn app_behind_proxy(extra: &str) -> (TestApp, FaultProxy) {
    let proxy = FaultProxy::in_front_of(&crate::helpers::postgres_admin_url(), 5432).await;
    let port = proxy.port;
    let app = spawn_app_routed(Backend::Postgres, extra, |url| {
        let mut routed = url::Url::parse(url).unwrap();
        routed.set_host(Some("127.0.0.1")).unwrap();
        routed.set_port(Some(port)).unwrap();
        routed.to_string()
    })
    .await;
    (app, proxy)
}

/// The request's answer, failing the test if it does not come within `ANSWER_BOUND`.
async fn timed<T>(request: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(ANSWER_BOUND, request)
        .await
        .expect("the request hung past the acquire time-out")
}

async fn case_ids(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let response = get(app, client, "/api/v1/cases").await;
    assert_eq!(response.status(), 200);
    let body: Vec<Value> = response.json().await.unwrap();
    let mut ids: Vec<String> = body
        .iter()
        .map(|case| case["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn wait_until_ready(app: &TestApp) -> bool {
    let started = Instant::now();
    while started.elapsed() < RECOVERY_BOUND {
        if app.get("/readyz").await.status() == 200 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

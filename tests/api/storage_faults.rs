//! The S3 store refusing connections, answering 503 or saying nothing, under the running
//! service (#15): uploads fail cleanly with nothing recorded, downloads fail before their
//! headers, `/readyz` names the store, and the service recovers without a restart. A slow
//! store only makes requests slower.
//!
//! The service reaches the real S3-compatible server (moto) through a fault proxy.

use crate::documents::{Team, download, form, pdf, store_settings_with, team_on, uploaded_id};
use crate::helpers::{Backend, assert_problem, s3_endpoint, s3_settings_at, spawn_app_with};
use crate::support::fault_proxy::{FaultProxy, Mode};
use crate::upload_rules::{assert_nothing_kept, listed};
use std::time::Duration;

/// Three attempts (the SDK's standard retry) of at most `read_timeout_secs` each, with back-off.
const ANSWER_BOUND: Duration = Duration::from_secs(30);

#[tokio::test]
async fn s3_out_of_reach_fails_cleanly_and_the_service_recovers_without_a_restart() {
    let (team, proxy) = team_behind_proxy().await;
    let kept = pdf(40 * 1024);
    let document = uploaded_id(&team, &team.professional, form(kept.clone(), "a.pdf", "A")).await;
    let newest = format!("/api/v1/documents/{document}/content");

    for fault in [Mode::Refuse, Mode::Http503, Mode::Blackhole] {
        proxy.set(fault);
        let refused = timed(crate::documents::upload(
            &team,
            &team.professional,
            form(pdf(40 * 1024), "b.pdf", "B"),
        ))
        .await;
        let body = assert_problem(refused, 503).await;
        assert_eq!(
            body["type"], "urn:vejviser:problem:storage-unavailable",
            "{fault:?}"
        );

        let response = timed(team.professional.get(team.app.url(&newest)).send())
            .await
            .unwrap();
        // Refused before the headers: a status, not a cut-off file.
        assert_problem(response, 503).await;

        let ready = assert_problem(timed(team.app.get("/readyz")).await, 503).await;
        assert_eq!(ready["failing"], serde_json::json!(["blobs"]));
        // Nothing of the refused upload is visible.
        assert_eq!(listed(&team, &team.coordinator).await.len(), 1, "{fault:?}");
    }

    proxy.set(Mode::Slow);
    let slow = uploaded_id(
        &team,
        &team.professional,
        form(pdf(40 * 1024), "c.pdf", "C"),
    )
    .await;

    proxy.set(Mode::Pass);
    assert_eq!(team.app.get("/readyz").await.status(), 200);
    let (status, _, bytes) = download(&team, &team.young, &newest).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, kept);
    // The uploads refused during the faults left notes for the sweep; it clears them and
    // their blobs, and keeps the two documents.
    let state = &team.app.app;
    vejviser::documents::sweeper::sweep(&state.db, &state.blobs, &state.clock, Duration::ZERO)
        .await;
    assert_nothing_kept(&team, 2).await;
    let (status, _, _) = download(
        &team,
        &team.young,
        &format!("/api/v1/documents/{slow}/content"),
    )
    .await;
    assert_eq!(status, 200);
}

/// A team whose service reaches the S3 server through a proxy the test breaks.
async fn team_behind_proxy() -> (Team, FaultProxy) {
    let proxy = FaultProxy::in_front_of(&s3_endpoint(), 80).await;
    let s3 = s3_settings_at(
        &format!("http://127.0.0.1:{}", proxy.port),
        "connect_timeout_secs = 1\nread_timeout_secs = 2",
    );
    let settings = store_settings_with(&s3, "");
    let app = spawn_app_with(Backend::Sqlite, &settings).await;
    (team_on(app).await, proxy)
}

async fn timed<T>(request: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(ANSWER_BOUND, request)
        .await
        .expect("the request hung past the store's time-outs")
}

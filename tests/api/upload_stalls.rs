//! A stalled upload or slow request ends, leaving nothing behind: a real TCP client that stops
//! sending halfway through a file's body (the service's body idle time-out), and one that never
//! finishes its request head (actix's client_request_timeout). On both databases and stores.

use crate::documents::{Store, Team, multipart_head, on_both_databases_and_stores, pdf, team};
use crate::helpers::{Backend, spawn_app_with};
use crate::team::{get, session_token_for};
use crate::upload_rules::assert_nothing_kept;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vejviser::domain::assurance_level::AssuranceLevel;
use vejviser::domain::ids::AccountId;

/// Everything the service sends until it closes the connection. The outer limit only keeps a
/// broken service from hanging the suite; the service is expected to close long before.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(120), stream.read_to_end(&mut answer));
    match read.await {
        Ok(Ok(_)) | Ok(Err(_)) => String::from_utf8_lossy(&answer).into_owned(),
        Err(_) => panic!("the service kept the stalled connection open"),
    }
}

/// A session cookie value for the team's professional, for a raw TCP client.
pub async fn the_professionals_cookie(team: &Team) -> String {
    let me: Value = get(&team.app, &team.professional, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    let id = AccountId::parse(me["id"].as_str().unwrap()).unwrap();
    session_token_for(&team.app, id, AssuranceLevel::Substantial).await
}

async fn an_upload_that_stops_sending_ends_and_leaves_nothing(backend: Backend, store: Store) {
    let team = team(backend, store, "body_idle_timeout_secs = 1").await;
    let token = the_professionals_cookie(&team).await;
    let boundary = "vejviser-stall";
    let head = multipart_head(boundary);
    let address = team.app.url("").replace("http://", "");
    let address = address.trim_end_matches('/');
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /api/v1/cases/{}/documents HTTP/1.1\r\nHost: {address}\r\n\
         Cookie: vejviser_session={token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: 10000000\r\n\r\n{head}",
        team.case
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // Past the sniffing prefix, so the blob is being written when the client goes quiet.
    stream.write_all(&pdf(300 * 1024)).await.unwrap();
    stream.flush().await.unwrap();
    // The client now sends nothing, and keeps the connection open.
    let answer = read_until_closed(&mut stream).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    assert_nothing_kept(&team, 0).await;
    // The service goes on serving.
    let me = get(&team.app, &team.professional, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
}

on_both_databases_and_stores!(an_upload_that_stops_sending_ends_and_leaves_nothing);

#[tokio::test]
async fn a_request_head_that_never_ends_is_answered_408_and_closed() {
    let app = spawn_app_with(
        Backend::Sqlite,
        "[server]\nclient_request_timeout_secs = 1\nkeep_alive_secs = 1\n",
    )
    .await;
    let address = app.url("").replace("http://", "");
    let address = address.trim_end_matches('/');
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nX-Slow: ").as_bytes())
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn the_time_outs_are_settings() {
    let app = spawn_app_with(
        Backend::Sqlite,
        "[server]\nclient_request_timeout_secs = 7\nclient_disconnect_timeout_secs = 3\n\
         keep_alive_secs = 0\n[documents]\nbody_idle_timeout_secs = 9\n",
    )
    .await;
    let settings = &app.app.settings;
    assert_eq!(settings.server.client_request_timeout_secs, 7);
    assert_eq!(settings.server.client_disconnect_timeout_secs, 3);
    assert_eq!(settings.server.keep_alive_secs, 0);
    assert_eq!(settings.documents.body_idle_timeout_secs, 9);
    // Keep-alive off: the connection closes after one response.
    let address = app.url("").replace("http://", "");
    let address = address.trim_end_matches('/');
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

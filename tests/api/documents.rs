//! Encrypted documents over HTTP, on both databases and both blob stores: uploads and downloads
//! byte for byte, versions with If-Match, the limits, file names, the policy, and what is left in
//! the store (ciphertext only, no orphans).

use crate::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use crate::team::{
    add_citizen, add_professional, case_of, consent, create_case, get, logged_in, post,
};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// Where the blobs go in a test: the local folder, or the S3 server scripts/test starts.
#[derive(Debug, Clone, Copy)]
pub enum Store {
    Local,
    S3,
}

/// Settings for `store`, plus `extra` lines for the [documents] section.
pub fn store_settings(store: Store, documents: &str) -> String {
    let blobs = match store {
        Store::Local => String::new(),
        Store::S3 => crate::helpers::s3_settings(),
    };
    store_settings_with(&blobs, documents)
}

/// `blobs` settings, orphans swept at once, and `documents` lines for the [documents] section.
pub fn store_settings_with(blobs: &str, documents: &str) -> String {
    format!("{blobs}\n[documents]\norphan_grace_minutes = 0\n{documents}\n")
}

/// A case with a consenting young person (19) and a job-centre professional who may write.
pub struct Team {
    pub app: TestApp,
    pub case: String,
    pub coordinator: reqwest::Client,
    pub professional: reqwest::Client,
    pub young: reqwest::Client,
}

pub async fn team(backend: Backend, store: Store, documents: &str) -> Team {
    team_on(spawn_app_with(backend, &store_settings(store, documents)).await).await
}

/// The team of `team`, on an app the caller started.
pub async fn team_on(app: TestApp) -> Team {
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    add_professional(&app, &coordinator, &case, "Jonas", "write").await;
    let young = logged_in(&app, "young19").await;
    consent(&app, &young, &case, &["job_centre"]).await;
    let professional = logged_in(&app, "jobcentre").await;
    Team {
        app,
        case,
        coordinator,
        professional,
        young,
    }
}

/// The young person's participant id on the team's case.
pub async fn young_person_id(team: &Team) -> String {
    let (_, case) = case_of(&team.app, &team.coordinator, &team.case).await;
    crate::team::participant_id(&case, "young_person")
}

pub fn form(bytes: Vec<u8>, file_name: &str, title: &str) -> Form {
    Form::new()
        .text("title", title.to_owned())
        .text("kind", "goal_agreement")
        .part("file", Part::bytes(bytes).file_name(file_name.to_owned()))
}

pub async fn upload(team: &Team, client: &reqwest::Client, form: Form) -> reqwest::Response {
    client
        .post(
            team.app
                .url(&format!("/api/v1/cases/{}/documents", team.case)),
        )
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads and expects 201; the created document.
pub async fn uploaded(team: &Team, client: &reqwest::Client, form: Form) -> Value {
    let response = upload(team, client, form).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// Uploads and expects 201; the new document's id.
pub async fn uploaded_id(team: &Team, client: &reqwest::Client, form: Form) -> String {
    uploaded(team, client, form).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn new_version(
    team: &Team,
    client: &reqwest::Client,
    document: &str,
    if_match: Option<&str>,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut request = client
        .post(
            team.app
                .url(&format!("/api/v1/documents/{document}/versions")),
        )
        .multipart(
            Form::new()
                .text("note", "Rettet efter mødet")
                .part("file", Part::bytes(bytes).file_name("plan.txt")),
        );
    if let Some(version) = if_match {
        request = request.header("if-match", version);
    }
    request.send().await.unwrap()
}

pub async fn download(
    team: &Team,
    client: &reqwest::Client,
    path: &str,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = client.get(team.app.url(path)).send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// A hand-written multipart upload up to the file's bytes (title "Plan", kind "other", a PDF
/// named plan.pdf), for clients that send the body themselves.
pub fn multipart_head(boundary: &str) -> String {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nPlan\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
}

/// A PDF-looking file of `len` bytes that is recognisable wherever it lands: a PDF header,
/// random bytes, and the `%%EOF` a PDF ends with.
pub fn pdf(len: usize) -> Vec<u8> {
    const END: &[u8] = b"\n%%EOF\n";
    let mut bytes = b"%PDF-1.7\n% vejviser-plaintext-marker\n".to_vec();
    let mut x: u32 = 0x9e37_79b9;
    while bytes.len() + END.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x % 251) as u8);
    }
    bytes.extend_from_slice(END);
    bytes.truncate(len);
    bytes
}

/// Every blob's raw bytes straight from the store (never through the service).
pub async fn raw_blobs(app: &TestApp) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for (key, _) in app.app.blobs.list("cases/").await.unwrap() {
        let mut reader = app.app.blobs.reader(&key).await.unwrap();
        let mut bytes = Vec::new();
        while let Some(piece) = reader.next_chunk().await.unwrap() {
            bytes.extend_from_slice(&piece);
        }
        found.push(bytes);
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn round_trips(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let chunk = 64 * 1024;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.txt", Vec::new()),
        ("one.txt", b"a".to_vec()),
        ("exact.txt", "æøå1\n".repeat(2 * chunk / 8).into_bytes()),
        ("Mål og aftaler.pdf", pdf(5 * chunk + 123)),
    ];
    for (name, bytes) in cases {
        let created = upload(&team, &team.professional, form(bytes.clone(), name, name)).await;
        assert_eq!(
            created.status(),
            201,
            "{name}: {}",
            created.text().await.unwrap()
        );
        let created: Value = created.json().await.unwrap();
        assert_eq!(created["version"], 1);
        assert_eq!(created["size"], bytes.len());
        let id = created["id"].as_str().unwrap();
        let (status, headers, body) = download(
            &team,
            &team.young,
            &format!("/api/v1/documents/{id}/content"),
        )
        .await;
        assert_eq!(status, 200, "{name}");
        assert!(body == bytes, "{name}: the bytes come back unchanged");
        assert_eq!(headers["etag"], "\"1\"");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        if name.ends_with(".pdf") {
            assert_eq!(headers["content-type"], "application/pdf");
            assert!(
                disposition.contains("filename*=UTF-8''M%C3%A5l%20og%20aftaler.pdf"),
                "{disposition}"
            );
        } else {
            assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
        }
    }
    // The store holds ciphertext only.
    let blobs = raw_blobs(&team.app).await;
    assert_eq!(blobs.len(), 4);
    for blob in blobs {
        assert!(!contains(&blob, b"vejviser-plaintext-marker"));
        assert!(!contains(&blob, "æøå".as_bytes()));
    }
}

async fn versions_need_if_match(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let id = &uploaded_id(
        &team,
        &team.professional,
        form(b"version 1".to_vec(), "plan.txt", "Plan"),
    )
    .await;
    assert_problem(
        new_version(&team, &team.professional, id, None, b"v2".to_vec()).await,
        428,
    )
    .await;
    let second = new_version(
        &team,
        &team.young,
        id,
        Some("\"1\""),
        b"v2 by the young".to_vec(),
    )
    .await;
    assert_eq!(
        second.status(),
        403,
        "the young person has read access only"
    );
    let second = new_version(
        &team,
        &team.professional,
        id,
        Some("\"1\""),
        b"version 2".to_vec(),
    )
    .await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["etag"], "\"2\"");
    let stale = assert_problem(
        new_version(
            &team,
            &team.professional,
            id,
            Some("\"1\""),
            b"lost update".to_vec(),
        )
        .await,
        412,
    )
    .await;
    assert_eq!(stale["current_version"], 2);
    assert_problem(
        new_version(&team, &team.professional, id, Some("one"), b"x".to_vec()).await,
        422,
    )
    .await;

    let (_, headers, latest) = download(
        &team,
        &team.young,
        &format!("/api/v1/documents/{id}/content"),
    )
    .await;
    assert_eq!(latest, b"version 2");
    assert_eq!(headers["etag"], "\"2\"");
    let (_, _, first) = download(
        &team,
        &team.young,
        &format!("/api/v1/documents/{id}/versions/1/content"),
    )
    .await;
    assert_eq!(first, b"version 1");
    let (status, _, _) = download(
        &team,
        &team.young,
        &format!("/api/v1/documents/{id}/versions/3/content"),
    )
    .await;
    assert_eq!(status, 404);

    let detail: Value = get(&team.app, &team.young, &format!("/api/v1/documents/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["version"], 2);
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "the refused upload left no version");
    assert_eq!(versions[0]["note"], "Rettet efter mødet");
    assert_eq!(versions[0]["uploaded_by"], "Jonas Berg");
    assert_eq!(
        raw_blobs(&team.app).await.len(),
        2,
        "the refused upload left no blob"
    );
}

async fn limits_and_names(backend: Backend, store: Store) {
    let team = team(backend, store, "max_upload_bytes = 100000").await;
    let too_big = upload(
        &team,
        &team.professional,
        form(pdf(100_001), "big.pdf", "Big"),
    )
    .await;
    assert_problem(too_big, 413).await;
    let exe = upload(
        &team,
        &team.professional,
        form(
            b"MZ\x90\0\x03\0\0\0\x04\0".to_vec(),
            "plan.pdf",
            "Disguised",
        ),
    )
    .await;
    let problem = assert_problem(exe, 415).await;
    assert_eq!(problem["found"], "unknown");
    let bad_kind = upload(
        &team,
        &team.professional,
        Form::new()
            .text("title", "Plan")
            .text("kind", "diary")
            .part("file", Part::bytes(b"text".to_vec()).file_name("a.txt")),
    )
    .await;
    assert_problem(bad_kind, 422).await;
    let long_title = upload(
        &team,
        &team.professional,
        form(b"x".to_vec(), "a.txt", &"x".repeat(201)),
    )
    .await;
    assert_problem(long_title, 422).await;
    let no_file = upload(
        &team,
        &team.professional,
        Form::new().text("title", "T").text("kind", "other"),
    )
    .await;
    assert_problem(no_file, 422).await;

    let listed: Vec<Value> = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/documents", team.case),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        listed.is_empty(),
        "nothing refused became visible: {listed:?}"
    );
    assert!(
        raw_blobs(&team.app).await.is_empty(),
        "and no blob was left behind"
    );

    // A line break inside a part's header is malformed HTTP, refused before anything is kept.
    let injected = upload(
        &team,
        &team.professional,
        form(b"x".to_vec(), "a\r\nb.txt", "X"),
    )
    .await;
    assert_problem(injected, 400).await;
    assert!(raw_blobs(&team.app).await.is_empty());
    for (sent, kept) in [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\karen\\Netværk.txt", "Netværk.txt"),
        ("plan\t\u{202e}.txt", "plan.txt"),
    ] {
        let created = upload(
            &team,
            &team.professional,
            form(b"tekst".to_vec(), sent, "Navn"),
        )
        .await;
        assert_eq!(
            created.status(),
            201,
            "{sent:?}: {}",
            created.text().await.unwrap()
        );
        let created: Value = created.json().await.unwrap();
        let detail: Value = get(
            &team.app,
            &team.young,
            &format!("/api/v1/documents/{}", created["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(detail["versions"][0]["file_name"], kept, "{sent:?}");
    }
}

async fn the_policy_decides_every_read_and_write(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let id = &uploaded_id(
        &team,
        &team.professional,
        form(b"fortroligt".to_vec(), "a.txt", "A"),
    )
    .await;
    let content = format!("/api/v1/documents/{id}/content");

    let stranger = logged_in(&team.app, "guidance").await;
    assert_problem(get(&team.app, &stranger, &content).await, 404).await;
    assert_problem(
        get(&team.app, &stranger, &format!("/api/v1/documents/{id}")).await,
        404,
    )
    .await;
    assert_problem(
        upload(&team, &stranger, form(b"x".to_vec(), "a.txt", "X")).await,
        404,
    )
    .await;
    let admin = logged_in(&team.app, "admin").await;
    let denied = assert_problem(get(&team.app, &admin, &content).await, 403).await;
    assert_eq!(denied["reason"], "admin_no_documents");
    assert_problem(
        upload(&team, &team.young, form(b"x".to_vec(), "a.txt", "X")).await,
        403,
    )
    .await;

    // Only the coordinator deletes, and a deleted document is gone from the case.
    let delete = |client: &reqwest::Client| {
        client
            .delete(team.app.url(&format!("/api/v1/documents/{id}")))
            .send()
    };
    assert_eq!(delete(&team.professional).await.unwrap().status(), 403);
    let renamed = team
        .professional
        .patch(team.app.url(&format!("/api/v1/documents/{id}")))
        .json(&serde_json::json!({ "title": "Mål og aftaler, rettet" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 204);

    // Withdrawal shuts the professional out on the very next request.
    let (status, _, _) = download(&team, &team.professional, &content).await;
    assert_eq!(status, 200);
    let view: Value = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}", team.case),
    )
    .await
    .json()
    .await
    .unwrap();
    let consent_id = view["consents"][0]["id"].as_str().unwrap().to_owned();
    let withdrawn = post(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/consents/{consent_id}/withdraw", team.case),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(withdrawn.status(), 204);
    let denied = assert_problem(get(&team.app, &team.professional, &content).await, 403).await;
    assert_eq!(denied["reason"], "awaiting_consent");
    let (status, _, _) = download(&team, &team.coordinator, &content).await;
    assert_eq!(status, 200, "the coordinator always reads");

    assert_eq!(delete(&team.coordinator).await.unwrap().status(), 204);
    assert_problem(get(&team.app, &team.coordinator, &content).await, 404).await;
    let listed: Vec<Value> = get(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}/documents", team.case),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(listed.is_empty());
    assert_eq!(
        raw_blobs(&team.app).await.len(),
        1,
        "a soft delete keeps the versions"
    );
}

/// Rewrites the blob of the only version with `change` applied to its bytes.
async fn damage_the_blob(app: &TestApp, change: impl FnOnce(&mut Vec<u8>)) {
    let keys = app.app.blobs.list("cases/").await.unwrap();
    assert_eq!(keys.len(), 1);
    let mut bytes = raw_blobs(app).await.remove(0);
    change(&mut bytes);
    let mut writer = app.app.blobs.writer(&keys[0].0).await.unwrap();
    writer.write(&bytes).await.unwrap();
    writer.commit().await.unwrap();
}

async fn set_stored(app: &TestApp, column: &str, value: &str) {
    let sql = format!("UPDATE document_versions SET {column} = $1");
    let query = sqlx::query(sqlx::AssertSqlSafe(sql));
    let query = match column {
        "size" => query.bind(value.parse::<i64>().unwrap()),
        _ => query.bind(value.to_owned()),
    };
    query.execute(app.app.db.pool()).await.unwrap();
}

/// How a damaged version's download ends: a large one streams and is cut off short of its
/// Content-Length (the client sees an error, never a complete-looking file); a small one is
/// checked before its headers go out and answers 500.
async fn assert_refused(team: &Team, path: &str, large: bool) {
    let response = team.young.get(team.app.url(path)).send().await.unwrap();
    if large {
        assert_eq!(
            response.status(),
            200,
            "the headers went out before the check"
        );
        if let Ok(body) = response.bytes().await {
            panic!("a damaged version was delivered as {} bytes", body.len());
        }
    } else {
        assert_problem(response, 500).await;
    }
}

/// A version whose stored size no longer matches, or whose blob was altered, is never delivered
/// whole, large or small; restored, it downloads again. A wrong stored SHA-256 is not the
/// download's to find (the stream's authentication covers the bytes; issue #13): it downloads
/// whole, and the scrub names it (`scrub.rs`).
async fn a_damaged_version_is_never_delivered_whole(backend: Backend, store: Store) {
    for (large, len) in [(true, 3 * 1024 * 1024 + 17), (false, 5 * 65536 + 123)] {
        let team = team(backend, store, "").await;
        let bytes = pdf(len);
        let created = uploaded(
            &team,
            &team.professional,
            form(bytes.clone(), "plan.pdf", "Plan"),
        )
        .await;
        let path = format!(
            "/api/v1/documents/{}/content",
            created["id"].as_str().unwrap()
        );
        let (sha256, size) = (created["sha256"].as_str().unwrap(), len.to_string());

        set_stored(&team.app, "sha256", &"0".repeat(64)).await;
        let (status, _, delivered) = download(&team, &team.young, &path).await;
        assert!(
            status == 200 && delivered == bytes,
            "the bytes authenticate, so they download whole"
        );
        set_stored(&team.app, "sha256", sha256).await;
        for wrong_size in [len - 1, len + 1, len - 256 * 1024] {
            set_stored(&team.app, "size", &wrong_size.to_string()).await;
            assert_refused(&team, &path, large).await;
        }
        set_stored(&team.app, "size", &size).await;
        let (status, _, intact) = download(&team, &team.young, &path).await;
        assert!(
            status == 200 && intact == bytes,
            "restored, it downloads whole"
        );

        // One flipped bit in the middle of the blob: that chunk fails to authenticate.
        damage_the_blob(&team.app, |blob| {
            let middle = blob.len() / 2;
            blob[middle] ^= 0x01;
        })
        .await;
        assert_refused(&team, &path, large).await;
    }
}

macro_rules! on_both_databases_and_stores {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                use super::Store;
                use crate::helpers::Backend;

                #[tokio::test]
                async fn sqlite_local() {
                    super::$test(Backend::Sqlite, Store::Local).await
                }

                #[tokio::test]
                async fn postgres_local() {
                    super::$test(Backend::Postgres, Store::Local).await
                }

                #[tokio::test]
                async fn sqlite_s3() {
                    super::$test(Backend::Sqlite, Store::S3).await
                }

                #[tokio::test]
                async fn postgres_s3() {
                    super::$test(Backend::Postgres, Store::S3).await
                }
            }
        )+
    };
}

pub(crate) use on_both_databases_and_stores;

on_both_databases_and_stores!(
    round_trips,
    a_damaged_version_is_never_delivered_whole,
    versions_need_if_match,
    limits_and_names,
    the_policy_decides_every_read_and_write,
);

/// A second instance on the same database and blob store (what a load balancer spreads over).
pub async fn second_instance(app: &TestApp, extra: &str) -> String {
    let settings = crate::helpers::test_settings(&app.database_url, &app.data_dir, extra);
    let instance = vejviser::startup::Application::build(settings)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", instance.port());
    tokio::spawn(instance.run_until_stopped());
    address
}

async fn a_dropped_upload_leaves_nothing(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    // A body that sends half a megabyte, then fails: the connection drops mid-upload.
    let boundary = "vejviser-test-boundary";
    let head = multipart_head(boundary);
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(head.into_bytes()),
        Ok(pdf(512 * 1024)),
        Err(std::io::Error::other("the phone lost its signal")),
    ];
    let sent = team
        .professional
        .post(
            team.app
                .url(&format!("/api/v1/cases/{}/documents", team.case)),
        )
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            pieces,
        )))
        .send()
        .await;
    assert!(sent.is_err() || !sent.unwrap().status().is_success());
    // The service notices the drop on its own schedule; give it a moment.
    let pending = || {
        let state = team.app.app.clone();
        async move {
            let later = state.clock.now() + time::Duration::hours(1);
            vejviser::store::documents::stale_pending_blobs(&state.db, later)
                .await
                .unwrap()
        }
    };
    for _ in 0..50 {
        if pending().await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let listed: Vec<Value> = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/documents", team.case),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    assert!(
        raw_blobs(&team.app).await.is_empty(),
        "no blob is left behind"
    );
}

async fn a_crash_mid_upload_is_swept_at_the_next_start(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let state = &team.app.app;
    // What a process that died mid-upload leaves: a pending note and (part of) a blob.
    let key =
        vejviser::blobs::BlobKey::new(format!("cases/{}/{}", team.case, uuid::Uuid::new_v4()))
            .unwrap();
    vejviser::store::documents::add_pending_blob(
        &state.db,
        key.as_str(),
        state.clock.now() - time::Duration::minutes(5),
    )
    .await
    .unwrap();
    let mut writer = state.blobs.writer(&key).await.unwrap();
    writer.write(b"half a blob of ciphertext").await.unwrap();
    writer.commit().await.unwrap();
    assert!(state.blobs.exists(&key).await.unwrap());

    second_instance(&team.app, &store_settings_for(&team, store)).await;
    assert!(!state.blobs.exists(&key).await.unwrap(), "swept on start");
}

/// The settings the team's app runs with (its S3 prefix included), for more instances.
fn store_settings_for(team: &Team, store: Store) -> String {
    match (store, &team.app.app.settings.blobs.s3) {
        (Store::S3, Some(s3)) => format!(
            "[blobs]\nbackend = \"s3\"\n[blobs.s3]\nbucket = \"{}\"\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nforce_path_style = true\nkey_prefix = \"{}\"\n[documents]\norphan_grace_minutes = 1\n",
            s3.bucket,
            s3.endpoint_url.clone().unwrap_or_default(),
            s3.key_prefix
        ),
        _ => "[documents]\norphan_grace_minutes = 1\n".to_owned(),
    }
}

/// Two instances on one PostgreSQL and one S3 bucket: log in and upload through one, download and
/// upload a new version through the other.
#[tokio::test]
async fn two_instances_share_nothing_but_the_database_and_s3() {
    let team = team(Backend::Postgres, Store::S3, "").await;
    let other = second_instance(&team.app, &store_settings_for(&team, Store::S3)).await;
    let id = &uploaded_id(
        &team,
        &team.professional,
        form(pdf(300_000), "plan.pdf", "Plan"),
    )
    .await;
    // The session cookie is the same on the other instance (same host): the session lives in the database.
    let through_other = team
        .young
        .get(format!("{other}/api/v1/documents/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(through_other.status(), 200);
    assert!(through_other.bytes().await.unwrap().to_vec() == pdf(300_000));
    let second = team
        .professional
        .post(format!("{other}/api/v1/documents/{id}/versions"))
        .header("if-match", "\"1\"")
        .multipart(Form::new().part("file", Part::bytes(pdf(1000)).file_name("plan.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 201);
    let (_, headers, latest) = download(
        &team,
        &team.young,
        &format!("/api/v1/documents/{id}/content"),
    )
    .await;
    assert_eq!(
        headers["etag"], "\"2\"",
        "the first instance sees the other's version"
    );
    assert!(latest == pdf(1000));
}

on_both_databases_and_stores!(
    a_dropped_upload_leaves_nothing,
    a_crash_mid_upload_is_swept_at_the_next_start,
);

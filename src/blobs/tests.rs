//! The same checks against both backends: a temp directory, and a real `moto_server` started
//! here on a free port (`MOTO_SERVER` names another program; `pip install 'moto[server]'`).

use super::*;
use crate::config::S3BlobSettings;
use std::time::{Duration, SystemTime};

const MIB: usize = 1024 * 1024;

fn key(s: &str) -> BlobKey {
    BlobKey::new(s).expect("a valid test key")
}

/// Deterministic, non-repeating bytes, so a misplaced part shows.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

async fn put(store: &BlobStore, k: &BlobKey, bytes: &[u8]) -> u64 {
    let mut w = store.writer(k).await.unwrap();
    w.write(bytes).await.unwrap();
    w.commit().await.unwrap()
}

/// The whole blob and the largest chunk seen.
async fn read_all(store: &BlobStore, k: &BlobKey) -> (Vec<u8>, usize) {
    let mut r = store.reader(k).await.unwrap();
    let expected = r.len();
    let (mut all, mut largest) = (Vec::new(), 0);
    while let Some(chunk) = r.next_chunk().await.unwrap() {
        largest = largest.max(chunk.len());
        all.extend_from_slice(&chunk);
    }
    assert_eq!(expected, Some(all.len() as u64), "len() matches the bytes");
    (all, largest)
}

async fn keys(store: &BlobStore, prefix: &str) -> Vec<String> {
    let mut found: Vec<String> = store
        .list(prefix)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k.to_string())
        .collect();
    found.sort();
    found
}

/// Everything the service relies on, for any backend. `store` must be empty.
async fn conformance(store: &BlobStore) {
    store.check_ready().await.unwrap();

    // Empty and small round trips; a second commit replaces the first.
    let empty = key("cases/c1/empty");
    assert_eq!(put(store, &empty, b"").await, 0);
    assert_eq!(read_all(store, &empty).await.0, b"");
    assert_eq!(store.reader(&empty).await.unwrap().is_empty(), Some(true));
    let small = key("cases/c1/small");
    put(store, &small, b"first").await;
    assert_eq!(put(store, &small, b"ciphertext").await, 10);
    assert_eq!(read_all(store, &small).await.0, b"ciphertext");

    // 20 MiB and a bit, in odd-sized pieces: three S3 parts, the last one short.
    let big = key("cases/c1/big");
    let data = pattern(20 * MIB + 12_345, 7);
    let mut w = store.writer(&big).await.unwrap();
    let mut sizes = [1, 999_983, 7, 3 * MIB + 1, 65_537].into_iter().cycle();
    let mut rest = &data[..];
    while !rest.is_empty() {
        let n = sizes.next().expect("cycles").min(rest.len());
        w.write(&rest[..n]).await.unwrap();
        rest = &rest[n..];
    }
    assert_eq!(w.commit().await.unwrap(), data.len() as u64);
    let (back, largest) = read_all(store, &big).await;
    assert!(back == data, "the big blob comes back byte for byte");
    assert!(
        largest <= 4 * MIB,
        "read in chunks, not whole ({largest} bytes)"
    );

    // Nothing is visible before commit, even with a part uploaded.
    let pending = key("cases/c2/pending");
    let mut w = store.writer(&pending).await.unwrap();
    w.write(&pattern(9 * MIB, 3)).await.unwrap();
    w.write(b"more").await.unwrap();
    assert!(!store.exists(&pending).await.unwrap());
    assert!(matches!(
        store.reader(&pending).await,
        Err(BlobError::NotFound)
    ));
    assert!(keys(store, "cases/c2/").await.is_empty());
    w.commit().await.unwrap();
    assert!(store.exists(&pending).await.unwrap());

    // Abort leaves nothing.
    let aborted = key("cases/c3/aborted");
    let mut w = store.writer(&aborted).await.unwrap();
    w.write(&pattern(9 * MIB, 4)).await.unwrap();
    w.write(b"x").await.unwrap();
    w.abort().await.unwrap();
    assert!(!store.exists(&aborted).await.unwrap());
    assert!(keys(store, "cases/c3/").await.is_empty());
    store.writer(&aborted).await.unwrap().abort().await.unwrap();

    // Missing keys; delete is idempotent.
    let missing = key("cases/none/missing");
    assert!(matches!(
        store.reader(&missing).await,
        Err(BlobError::NotFound)
    ));
    assert!(!store.exists(&missing).await.unwrap());
    store.delete(&missing).await.unwrap();
    store.delete(&small).await.unwrap();
    store.delete(&small).await.unwrap();
    assert!(!store.exists(&small).await.unwrap());
    assert!(matches!(
        store.reader(&small).await,
        Err(BlobError::NotFound)
    ));

    // A key that is only a prefix of others is no blob.
    let dir_like = key("cases/c1");
    assert!(!store.exists(&dir_like).await.unwrap());
    assert!(matches!(
        store.reader(&dir_like).await,
        Err(BlobError::NotFound)
    ));
    store.delete(&dir_like).await.unwrap();

    // Listing by prefix, on and off segment boundaries, with fresh times.
    for k in [
        "list/a-x/1",
        "list/a-x/2",
        "list/a-y/1",
        "list/b/1",
        "lists/1",
    ] {
        put(store, &key(k), k.as_bytes()).await;
    }
    assert_eq!(keys(store, "list/a-x/").await, ["list/a-x/1", "list/a-x/2"]);
    assert_eq!(
        keys(store, "list/a-").await,
        ["list/a-x/1", "list/a-x/2", "list/a-y/1"]
    );
    assert_eq!(keys(store, "list/").await.len(), 4);
    assert_eq!(keys(store, "list").await.len(), 5);
    assert!(keys(store, "nothing/").await.is_empty());
    assert_eq!(
        keys(store, "").await,
        [
            "cases/c1/big",
            "cases/c1/empty",
            "cases/c2/pending",
            "list/a-x/1",
            "list/a-x/2",
            "list/a-y/1",
            "list/b/1",
            "lists/1"
        ]
    );
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for (_, modified) in store.list("list/").await.unwrap() {
        assert!(modified > hour_ago && modified < SystemTime::now() + Duration::from_secs(60));
    }
    assert!(matches!(
        store.list("../").await,
        Err(BlobError::InvalidKey(_))
    ));
    assert!(matches!(
        store.list("/list").await,
        Err(BlobError::InvalidKey(_))
    ));
}

#[test]
fn keys_are_validated() {
    for good in ["cases/0b6e/9f1c", "a", "a-b/c-d/e", "0/1/2"] {
        assert!(BlobKey::new(good).is_ok(), "{good}");
    }
    let long = "a".repeat(513);
    for bad in [
        "", "/cases/a", "cases/", "cases//a", "../a", "a/../b", "a/./b", "Cases/a", "a b", "a_b",
        "a\\b", "a\0b", "æ", ".tmp/x", &long,
    ] {
        assert!(
            matches!(BlobKey::new(bad), Err(BlobError::InvalidKey(_))),
            "{bad:?}"
        );
    }
    assert!(key::check_prefix("").is_ok());
    assert!(key::check_prefix("cases/").is_ok());
    assert!(key::check_prefix("cases/a").is_ok());
    assert!(key::check_prefix("../").is_err());
}

#[tokio::test]
async fn local_dir_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::Local(LocalDir::open(dir.path().join("blobs")).await.unwrap());
    conformance(&store).await;
    // Committed, aborted and failed writers leave no temp files behind.
    let tmp = dir.path().join("blobs/.tmp");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            let path = dir.path().join(p);
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777
        };
        assert_eq!(mode("blobs"), 0o700);
        assert_eq!(mode("blobs/cases/c1"), 0o700);
        assert_eq!(mode("blobs/cases/c1/big"), 0o600);
    }
}

#[tokio::test]
async fn local_temp_files_are_swept_and_dropped_writers_clean_up() {
    let dir = tempfile::tempdir().unwrap();
    let local = LocalDir::open(dir.path().to_owned()).await.unwrap();
    let store = BlobStore::Local(local.clone());
    let tmp = dir.path().join(".tmp");
    let temp_files = || std::fs::read_dir(&tmp).unwrap().count();

    // A dropped writer removes its temp file in the background.
    let mut w = store.writer(&key("a/dropped")).await.unwrap();
    w.write(b"partial").await.unwrap();
    drop(w);
    for _ in 0..100 {
        if temp_files() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(temp_files(), 0);

    // What a crash leaves: one stale temp file, one fresh (a write in progress).
    let stale = tmp.join("stale.part");
    std::fs::write(&stale, b"left by a crash").unwrap();
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let mut live = store.writer(&key("a/live")).await.unwrap();
    live.write(b"in progress").await.unwrap();
    assert_eq!(
        store
            .sweep_incomplete(Duration::from_secs(3600))
            .await
            .unwrap(),
        1
    );
    assert!(!stale.exists());
    assert_eq!(temp_files(), 1, "the live writer's file stays");
    assert_eq!(live.commit().await.unwrap(), 11);
    assert_eq!(temp_files(), 0);
    // Temp files are never listed as blobs.
    assert_eq!(keys(&store, "").await, ["a/live"]);
}

/// A `moto_server` child on a free port, killed on drop (also when a test panics).
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Moto {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let program = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let child = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program} (pip install 'moto[server]'): {e}"));
        let moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = std::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto_server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        moto
    }

    /// A store on a new bucket of its own.
    async fn store(&self, bucket: &str, key_prefix: &str) -> S3Store {
        let settings = S3BlobSettings {
            bucket: bucket.into(),
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.endpoint.clone()),
            force_path_style: true,
            key_prefix: key_prefix.into(),
            connect_timeout_secs: 5,
            read_timeout_secs: 30,
        };
        let credentials = Credentials::new("test-key-id", SECRET, None, None, "tests");
        let store = S3Store::open_with(&settings, Some(credentials))
            .await
            .unwrap();
        store
            .client()
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
        store
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

use aws_sdk_s3::config::Credentials;
const SECRET: &str = "test-secret-never-in-errors";

async fn open_uploads(s3: &S3Store, bucket: &str) -> usize {
    let out = s3
        .client()
        .list_multipart_uploads()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    out.uploads().len()
}

async fn wait_for_no_uploads(s3: &S3Store, bucket: &str) {
    for _ in 0..100 {
        if open_uploads(s3, bucket).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("multipart uploads remain in {bucket}");
}

/// One moto for all S3 checks: it takes a second to start.
#[tokio::test]
async fn s3_against_moto() {
    let moto = Moto::start().await;

    let s3 = moto.store("conformance", "").await;
    conformance(&BlobStore::S3(s3.clone())).await;
    assert_eq!(
        open_uploads(&s3, "conformance").await,
        0,
        "no upload left open"
    );

    // A dropped writer aborts its upload in the background; a leaked one is swept.
    let s3 = moto.store("dropped", "").await;
    let store = BlobStore::S3(s3.clone());
    let mut w = store.writer(&key("a/dropped")).await.unwrap();
    w.write(&pattern(9 * MIB, 5)).await.unwrap();
    w.write(b"x").await.unwrap();
    assert_eq!(open_uploads(&s3, "dropped").await, 1);
    drop(w);
    wait_for_no_uploads(&s3, "dropped").await;
    let mut w = store.writer(&key("a/leaked")).await.unwrap();
    w.write(&pattern(9 * MIB, 6)).await.unwrap();
    w.write(b"x").await.unwrap();
    std::mem::forget(w); // as a crash would
    // moto dates every upload 2010-11-10, so only the sweeping (not the age cut) shows here.
    assert_eq!(
        store
            .sweep_incomplete(Duration::from_secs(3600))
            .await
            .unwrap(),
        1
    );
    assert_eq!(open_uploads(&s3, "dropped").await, 0);

    // A key prefix shares a bucket: objects land under it, foreign objects are not listed.
    let s3 = moto.store("shared", "vejviser").await;
    let store = BlobStore::S3(s3.clone());
    put(&store, &key("cases/a/b"), b"mine").await;
    for foreign in ["vejviser/README.txt", "other/cases/a/b"] {
        let put = s3.client().put_object().bucket("shared").key(foreign);
        put.body(b"not ours".to_vec().into()).send().await.unwrap();
    }
    let raw = s3
        .client()
        .list_objects_v2()
        .bucket("shared")
        .send()
        .await
        .unwrap();
    let mut raw: Vec<_> = raw.contents().iter().filter_map(|o| o.key()).collect();
    raw.sort_unstable();
    assert_eq!(
        raw,
        [
            "other/cases/a/b",
            "vejviser/README.txt",
            "vejviser/cases/a/b"
        ]
    );
    assert_eq!(keys(&store, "").await, ["cases/a/b"]);
    assert_eq!(read_all(&store, &key("cases/a/b")).await.0, b"mine");

    // Listing pages past 1000 keys.
    let s3 = moto.store("many", "").await;
    let store = BlobStore::S3(s3.clone());
    for i in 0..1005 {
        let put = s3
            .client()
            .put_object()
            .bucket("many")
            .key(format!("p/{i:04}"));
        put.body(Vec::new().into()).send().await.unwrap();
    }
    assert_eq!(store.list("p/").await.unwrap().len(), 1005);

    // A missing bucket is not ready, and the error names the operation but no secret.
    let settings = S3BlobSettings {
        bucket: "no-such-bucket".into(),
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.endpoint.clone()),
        force_path_style: true,
        key_prefix: String::new(),
        connect_timeout_secs: 5,
        read_timeout_secs: 30,
    };
    let credentials = Credentials::new("test-key-id", SECRET, None, None, "tests");
    let missing = S3Store::open_with(&settings, Some(credentials))
        .await
        .unwrap();
    let err = missing.check_ready().await.unwrap_err().to_string();
    assert!(err.starts_with("S3 HeadBucket: "), "{err}");
    assert!(!err.contains(SECRET), "{err}");
    let store = BlobStore::S3(missing);
    let err = store.reader(&key("a")).await.unwrap_err().to_string();
    assert!(
        err.contains("NoSuchBucket"),
        "a missing bucket is not a missing blob: {err}"
    );
    assert!(!err.contains(SECRET), "{err}");
}

#[tokio::test]
async fn s3_settings_are_checked() {
    let settings = |bucket: &str, prefix: &str| S3BlobSettings {
        bucket: bucket.into(),
        region: Some("us-east-1".into()),
        endpoint_url: None,
        force_path_style: false,
        key_prefix: prefix.into(),
        connect_timeout_secs: 5,
        read_timeout_secs: 30,
    };
    let open = |s: S3BlobSettings| async move { S3Store::open_with(&s, None).await };
    assert!(matches!(
        open(settings("", "")).await,
        Err(BlobError::Config(_))
    ));
    assert!(matches!(
        open(settings("b", "../x")).await,
        Err(BlobError::Config(_))
    ));
    assert!(open(settings("b", "tenant-1")).await.is_ok());
}

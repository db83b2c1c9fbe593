//! `spawn_app`: the real application on a random port with a fresh database and data folder.
//!
//! PostgreSQL tests need `VEJVISER_TEST_POSTGRES_URL`, a URL of a role that may create databases
//! (scripts/test starts a throwaway cluster and sets it). Each test gets its own database, which
//! is dropped when the test ends, passed or failed (`TestDatabase`).
//! Logs are shown only when `TEST_LOG` is set.

use figment::providers::{Format, Toml};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use tempfile::TempDir;
use vejviser::config::{Profile, Settings};
use vejviser::startup::Application;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `mod <test> { sqlite, postgres }` calling `<test>(Backend)` for each database.
macro_rules! on_both_databases {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test]
                async fn sqlite() {
                    super::$test(crate::helpers::Backend::Sqlite).await
                }

                #[tokio::test]
                async fn postgres() {
                    super::$test(crate::helpers::Backend::Postgres).await
                }
            }
        )+
    };
}
pub(crate) use on_both_databases;

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        let settings = Settings::load_with(Profile::Development, None, Toml::string(""))
            .expect("defaults load");
        vejviser::telemetry::init(&settings.log);
    }
});

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub app: vejviser::app::App,
    pub database_url: String,
    pub data_dir: PathBuf,
    _data: TempDir,
    /// Shared with the copies `with_client` makes: the database goes when the last one does.
    _database: Arc<TestDatabase>,
}

/// A test's database: an SQLite file in the test's folder (which goes with the folder), or a
/// PostgreSQL database of its own, dropped when this is.
pub struct TestDatabase {
    pub url: String,
    /// The PostgreSQL database's name, and the URL of the role that created it.
    postgres: Option<(String, String)>,
}

impl Drop for TestDatabase {
    /// Drops the PostgreSQL database, `WITH (FORCE)` to end the connections the app's pool still
    /// holds. A drop may run inside the test's runtime, which cannot block on a future, so a
    /// thread with a runtime of its own does it and the test waits. It never panics (a panic
    /// while a failed test unwinds would abort the run): a database it cannot drop is reported.
    fn drop(&mut self) {
        let Some((name, admin_url)) = self.postgres.take() else {
            return;
        };
        let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut admin = sqlx::AnyConnection::connect(&admin_url)
                    .await
                    .map_err(|e| e.to_string())?;
                // The name is ours (a fresh UUID), never input.
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .execute(&mut admin)
                    .await
                    .map_err(|e| e.to_string())?;
                admin.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database {name}: {e}"),
            Err(_) => eprintln!("could not drop the test database {name}: the thread panicked"),
        }
    }
}

/// A fresh database for `backend`: an SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> TestDatabase {
    match backend {
        Backend::Sqlite => TestDatabase {
            url: format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
            postgres: None,
        },
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = format!("vejviser_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut admin = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL (is it running? see scripts/test)");
            // The name is ours (a fresh UUID), never input.
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            TestDatabase {
                url: replace_database(&admin_url, &name),
                postgres: Some((name, admin_url)),
            }
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("VEJVISER_TEST_POSTGRES_URL").expect(
        "VEJVISER_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL",
    )
}

/// The same server and role, another database.
pub fn replace_database(url: &str, database: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("a valid PostgreSQL URL");
    parsed.set_path(&format!("/{database}"));
    parsed.to_string()
}

/// Settings for a test: the development profile on a random port, with `extra` TOML on top.
pub fn test_settings(database_url: &str, data_dir: &std::path::Path, extra: &str) -> Settings {
    let base = format!(
        r#"
        data_dir = "{data}"
        [server]
        address = "127.0.0.1:0"
        public_url = "http://127.0.0.1:0"
        workers = 1
        [database]
        url = "{database_url}"
        max_connections = 5
        acquire_timeout_secs = 2
        [documents.scrub]
        enabled = false
        "#,
        data = data_dir.display()
    );
    let figment_layers = figment::Figment::new()
        .merge(Toml::string(&base))
        .merge(Toml::string(extra));
    Settings::load_with(Profile::Development, None, figment_layers).expect("test settings load")
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, "").await
}

/// As `spawn_app`, with extra TOML settings layered on top (a `[section]` may appear once).
pub async fn spawn_app_with(backend: Backend, extra: &str) -> TestApp {
    spawn_app_routed(backend, extra, str::to_owned).await
}

/// As `spawn_app_with`, the service reaching its database at `route(url)` (through a fault
/// proxy, say). The database is still created and dropped at its own address.
pub async fn spawn_app_routed(
    backend: Backend,
    extra: &str,
    route: impl FnOnce(&str) -> String,
) -> TestApp {
    LazyLock::force(&TRACING);
    let data = tempfile::tempdir().expect("a temp dir");
    let database = fresh_database(backend, data.path()).await;
    let database_url = route(&database.url);
    let settings = test_settings(&database_url, data.path(), extra);
    let app = Application::build(settings).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("a client");
    TestApp {
        address,
        client,
        app: state,
        database_url,
        data_dir: data.path().to_owned(),
        _data: data,
        _database: Arc::new(database),
    }
}

impl TestApp {
    /// The same app reached with another client (the temporary folder stays with the original).
    pub fn with_client(&self, client: reqwest::Client) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client,
            app: self.app.clone(),
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            _data: tempfile::tempdir().expect("a temp dir"),
            _database: Arc::clone(&self._database),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is answered")
    }

    /// A GET as a browser sends it (asking for HTML).
    pub async fn get_page(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("the request is answered")
    }
}

/// Asserts an RFC 9457 problem with `status`, and returns its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:vejviser:problem:")),
        "{body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|t| t.ends_with('.')),
        "{body}"
    );
    body
}

/// `[blobs]` settings for the S3-compatible server scripts/test starts, each test under its own
/// key prefix in the one bucket. Credentials come from the AWS environment variables it sets.
pub fn s3_settings() -> String {
    s3_settings_at(&s3_endpoint(), "")
}

/// The S3-compatible server scripts/test starts (`http://127.0.0.1:PORT`).
pub fn s3_endpoint() -> String {
    std::env::var("VEJVISER_TEST_S3_ENDPOINT").expect(
        "VEJVISER_TEST_S3_ENDPOINT is not set: run the suite with scripts/test, which starts an S3 server",
    )
}

/// As `s3_settings`, reaching the server at `endpoint` (a fault proxy, say), with `extra` lines
/// in `[blobs.s3]`.
pub fn s3_settings_at(endpoint: &str, extra: &str) -> String {
    let bucket =
        std::env::var("VEJVISER_TEST_S3_BUCKET").unwrap_or_else(|_| "vejviser-test".into());
    format!(
        r#"
        [blobs]
        backend = "s3"
        [blobs.s3]
        bucket = "{bucket}"
        region = "us-east-1"
        endpoint_url = "{endpoint}"
        force_path_style = true
        key_prefix = "test-{}/"
        {extra}
        "#,
        uuid::Uuid::new_v4().simple()
    )
}

/// How many access-log rows of `action` the app has written.
pub async fn audit_rows_of(app: &TestApp, action: &str) -> usize {
    let filter = vejviser::store::audit::Filter {
        action: Some(action.into()),
        ..Default::default()
    };
    vejviser::store::audit::search(&app.app.db, &filter, 0, 1000)
        .await
        .unwrap()
        .len()
}

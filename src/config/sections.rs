//! The sections of `Settings`, one struct each, as they appear in `config/default.toml`.

use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Where to listen, e.g. `127.0.0.1:8080`; port 0 picks a free port (tests).
    pub address: String,
    /// The base URL people use, for redirects and e-mail links.
    pub public_url: String,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Time for a request's head to arrive (slow-loris headers); 0 disables it.
    pub client_request_timeout_secs: u64,
    /// Time for a client to close the connection after the response; 0 disables it.
    pub client_disconnect_timeout_secs: u64,
    /// How long an idle keep-alive connection stays open; 0 turns keep-alive off.
    pub keep_alive_secs: u64,
    /// The load balancers' addresses: only from these is `X-Forwarded-For` believed (the
    /// client is then its right-most address that is not one of them).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl ServerSettings {
    pub fn public_url(&self) -> Result<url::Url, String> {
        let url = url::Url::parse(&self.public_url)
            .map_err(|e| format!("'{}' is not a URL: {e}", self.public_url))?;
        match url.scheme() {
            "http" | "https" => Ok(url),
            other => Err(format!("must be http or https, not {other}")),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `postgres://...` or `sqlite://...`; unset means `<data_dir>/vejviser.db`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobBackend {
    Local,
    S3,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobSettings {
    pub backend: BlobBackend,
    /// Unset means `<data_dir>/blobs`.
    pub local_dir: Option<PathBuf>,
    /// Required when `backend = "s3"`.
    pub s3: Option<S3BlobSettings>,
}

/// `[blobs.s3]`. Credentials are not here: they come from the standard AWS chain
/// (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, web identity, ECS, IMDS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3BlobSettings {
    pub bucket: String,
    /// Unset means the standard chain (`AWS_REGION`, the profile).
    pub region: Option<String>,
    /// For S3-compatible services (MinIO, Ceph, moto), e.g. `https://s3.example.dk`.
    pub endpoint_url: Option<String>,
    /// `https://host/bucket/key` instead of `https://bucket.host/key`; most non-AWS servers need it.
    #[serde(default)]
    pub force_path_style: bool,
    /// Prepended to every key, e.g. `vejviser/`, to share a bucket.
    #[serde(default)]
    pub key_prefix: String,
    /// How long connecting to the store may take before the attempt fails (and is retried).
    #[serde(default = "default_s3_connect_timeout_secs")]
    pub connect_timeout_secs: u64,
    /// How long the store may stay silent while answering before the attempt fails: without
    /// it, a store that accepts connections and says nothing holds a request forever.
    #[serde(default = "default_s3_read_timeout_secs")]
    pub read_timeout_secs: u64,
}

fn default_s3_connect_timeout_secs() -> u64 {
    5
}

fn default_s3_read_timeout_secs() -> u64 {
    30
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CryptoSettings {
    /// The id of the master key that wraps new case keys.
    pub active_master_key: Option<String>,
    /// Master keys by id, each the base64 of 32 random bytes.
    #[serde(default)]
    pub master_keys: BTreeMap<String, SecretString>,
    /// A TOML file of `id = "base64"` lines, read at start-up (e.g. a mounted secret).
    pub master_keys_file: Option<PathBuf>,
    /// Development only: create a master key (and lookup key) under `<data_dir>/keys` on first
    /// start.
    pub generate_dev_master_key: bool,
    /// The key of the keyed hashes that find a person by CPR number: base64 of 32 random bytes.
    /// Never change it once data exists.
    pub lookup_key: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// `Secure` cookies (and the `__Host-` prefix); only plain-http development turns this off.
    pub secure_cookies: bool,
    pub idle_timeout_minutes: u32,
    pub absolute_timeout_hours: u32,
    /// Logins a client address may start a minute (`GET /auth/login/*`, each a stored flow),
    /// and how many at once: generous, since a municipality's staff share one address.
    pub login_starts_per_minute: u32,
    pub login_starts_burst: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettings {
    /// The largest file accepted, in bytes (413 beyond).
    pub max_upload_bytes: u64,
    /// Content types accepted, as sniffed from the bytes (415 otherwise).
    pub allowed_types: Vec<crate::domain::file_type::FileType>,
    /// An upload that has not finished after this long is treated as abandoned: its blob is
    /// deleted by the sweeper. Longer than the slowest real upload, since several instances sweep.
    pub orphan_grace_minutes: u64,
    /// An upload whose body sends no byte for this long ends, its blob discarded (the HTTP
    /// server's own time-outs cover the request head, not a body that stalls).
    pub body_idle_timeout_secs: u64,
    /// Days a closed case is kept before `vejviser case erase` may shred it without `--reason`.
    pub retention_days_after_close: u64,
    /// The background check of every stored version against its SHA-256.
    pub scrub: ScrubSettings,
}

/// The scrub (`documents::scrub_worker`): one instance at a time walks every version, decrypts
/// and hashes it, at a bounded rate so downloads keep the disk and the cores.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScrubSettings {
    pub enabled: bool,
    /// Plaintext bytes checked a second, at most.
    pub bytes_per_second: u64,
    /// A new pass starts this long after the last one ended.
    pub pass_interval_hours: u64,
    /// How often an instance without work asks whether a pass is due or its lease is free.
    pub poll_interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevSettings {
    /// The built-in development identity provider with test identities.
    pub identity_provider: bool,
    /// Seed the demo municipality and test staff on first start.
    pub seed_demo: bool,
    /// Pin "now" (RFC 3339) for demonstrations and tests.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub fixed_now: Option<OffsetDateTime>,
    /// Benchmarks only (`scripts/bench-audit.sh` measures the access log's cost by comparing):
    /// reads (case view, document list, view and download) write no access-log row.
    #[serde(default)]
    pub skip_read_audit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter such as `info,sqlx=warn`; `RUST_LOG` wins when set.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentSettings {
    /// While the young person is under 18: consent from `all` custody holders on the case (the
    /// default), or from `any` one of them.
    #[serde(default)]
    pub custody_rule: crate::domain::custody_rule::CustodyRule,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// The admin overview lists staff who can reach more cases than this (a sign that access
    /// was never taken back).
    #[serde(default = "default_many_cases")]
    pub many_cases: u32,
    /// How often the coordinator reviews each participant's access on a case, in months.
    #[serde(default = "default_access_review_months")]
    pub access_review_months: u32,
}

fn default_access_review_months() -> u32 {
    6
}

fn default_many_cases() -> u32 {
    40
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self {
            many_cases: default_many_cases(),
            access_review_months: default_access_review_months(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// Days an access-log row keeps the client's address; the sweeper blanks it after that. The
    /// rows themselves are never deleted, so there is deliberately no setting that would.
    #[serde(default = "default_address_retention_days")]
    pub address_retention_days: u32,
}

fn default_address_retention_days() -> u32 {
    30
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            address_retention_days: default_address_retention_days(),
        }
    }
}

//! `[mail]`: where notifications go and how the delivery worker paces itself (DESIGN.md §6).
//! The embedded default writes `.eml` files under `<data_dir>/mail`; production must use SMTP
//! with TLS (STARTTLS or implicit) and authentication (`production.rs` refuses anything else).

use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailBackend {
    /// `.eml` files in a folder, and a log line saying where (development).
    Folder,
    /// An SMTP server (production).
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No encryption: a local test server only; production refuses it.
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub backend: MailBackend,
    /// Unset means `<data_dir>/mail`.
    pub folder: Option<PathBuf>,
    /// The sender, e.g. `Vejviser <no-reply@kommune.dk>`.
    pub from: String,
    /// Where replies go (a mailbox someone reads); unset means `from`.
    pub reply_to: Option<String>,
    /// Run the delivery worker in this instance (any number of instances may).
    pub worker: bool,
    /// How often the worker looks for due messages.
    pub poll_interval_ms: u64,
    /// Messages claimed at a time.
    pub batch_size: u32,
    /// How long a claim holds; a message whose instance died is taken over after this.
    pub lease_secs: u64,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
    /// The first retry waits about this long (ms), each later one twice as long, with jitter...
    pub retry_base_ms: u64,
    /// ...but never longer than this (ms).
    pub retry_max_ms: u64,
    pub smtp: Option<SmtpSettings>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// A PEM file of extra trusted root certificates (a private CA, the test server's).
    pub ca_file: Option<PathBuf>,
    /// Connecting and each SMTP command time out after this.
    pub timeout_secs: u64,
}

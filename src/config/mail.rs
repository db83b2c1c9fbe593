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
    /// Messages of a batch in flight at once (SMTP connections the pool may open).
    pub concurrency: u32,
    /// How long a claim holds; a message whose instance died is taken over after this.
    pub lease_secs: u64,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
    /// The first retry waits about this long (ms), each later one twice as long, with jitter...
    pub retry_base_ms: u64,
    /// ...but never longer than this (ms).
    pub retry_max_ms: u64,
    /// When the daily digests go out, Copenhagen time (`"07:00"`).
    pub digest_time: DigestTime,
    /// How often the worker writes due digests and reminders (s).
    pub sweep_interval_secs: u64,
    /// How long a link that confirms an address works (h).
    pub confirm_link_hours: u32,
    pub smtp: Option<SmtpSettings>,
}

/// A time of day written `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestTime(pub time::Time);

impl<'de> Deserialize<'de> for DigestTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        time::Time::parse(&text, time::macros::format_description!("[hour]:[minute]"))
            .map(DigestTime)
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a time like \"07:00\"")))
    }
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

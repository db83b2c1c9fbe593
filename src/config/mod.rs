//! Settings, layered: the embedded `config/default.toml`, then the profile's file (embedded
//! `config/production.toml` for `production`), then an optional `--config` file, then environment
//! variables `VEJVISER__SECTION__KEY`. No global: the loaded `Settings` are passed in.
//!
//! Errors name the setting at fault (`ConfigError`), so an operator knows what to change.

pub mod mail;
pub mod oidc;
mod production;
pub mod scim;
mod sections;

use crate::domain::municipality_code::MunicipalityCode;

pub use sections::{
    AdminSettings, AuditSettings, BlobBackend, BlobSettings, ConsentSettings, CryptoSettings,
    DatabaseSettings, DevSettings, DocumentSettings, LogFormat, LogSettings, S3BlobSettings,
    ServerSettings, SessionSettings,
};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const DEFAULT_TOML: &str = include_str!("../../config/default.toml");
const PRODUCTION_TOML: &str = include_str!("../../config/production.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Development,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub profile: Profile,
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub blobs: BlobSettings,
    pub crypto: CryptoSettings,
    pub session: SessionSettings,
    pub documents: DocumentSettings,
    #[serde(default)]
    pub oidc: oidc::OidcSettings,
    #[serde(default)]
    pub consent: ConsentSettings,
    #[serde(default)]
    pub audit: AuditSettings,
    #[serde(default)]
    pub admin: AdminSettings,
    #[serde(default)]
    pub scim: scim::ScimSettings,
    pub mail: mail::MailSettings,
    pub dev: DevSettings,
    pub log: LogSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration could not be read: {0}")]
    Load(String),
    #[error("{}", format_violations(.0))]
    Refused(Vec<Violation>),
}

/// One setting that cannot be accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The setting's path, e.g. `oidc.providers.staff.issuer`.
    pub setting: String,
    pub reason: String,
}

fn format_violations(violations: &[Violation]) -> String {
    let lines: Vec<String> = violations
        .iter()
        .map(|v| format!("  {}: {}", v.setting, v.reason))
        .collect();
    format!("configuration refused:\n{}", lines.join("\n"))
}

impl Settings {
    /// Loads the layers for `profile` from the embedded files, `extra_file` and the process
    /// environment, then checks them.
    pub fn load(profile: Profile, extra_file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with(profile, extra_file, Env::prefixed("VEJVISER__").split("__"))
    }

    /// As `load`, with the last layer given (tests pass their own instead of the environment).
    pub fn load_with(
        profile: Profile,
        extra_file: Option<&Path>,
        overrides: impl figment::Provider,
    ) -> Result<Self, ConfigError> {
        let mut figment = Figment::new().merge(Toml::string(DEFAULT_TOML));
        if profile == Profile::Production {
            figment = figment.merge(Toml::string(PRODUCTION_TOML));
        }
        if let Some(path) = extra_file {
            if !path.is_file() {
                return Err(ConfigError::Load(format!(
                    "--config {}: no such file",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        let figment = figment
            .merge(overrides)
            .merge(Serialized::default("profile", profile));
        let settings: Settings = figment
            .extract()
            .map_err(|e| ConfigError::Load(e.to_string()))?;
        settings.check()?;
        Ok(settings)
    }

    /// Every rule a setting must follow; in production also the refusals of insecure settings.
    pub fn check(&self) -> Result<(), ConfigError> {
        let mut violations = self.general_violations();
        if self.profile == Profile::Production {
            violations.extend(production::insecure_settings(self));
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Refused(violations))
        }
    }

    fn general_violations(&self) -> Vec<Violation> {
        let mut found = Vec::new();
        if let Err(reason) = self.server.public_url() {
            found.push(Violation {
                setting: "server.public_url".into(),
                reason,
            });
        }
        if let Some(active) = &self.crypto.active_master_key
            && self.crypto.master_keys_file.is_none()
            && !self.crypto.master_keys.contains_key(active)
        {
            found.push(Violation {
                setting: "crypto.active_master_key".into(),
                reason: format!("no master key with id '{active}' in crypto.master_keys"),
            });
        }
        if self.documents.max_upload_bytes == 0 {
            found.push(Violation {
                setting: "documents.max_upload_bytes".into(),
                reason: "must be more than 0".into(),
            });
        }
        // 0 would end every upload at once; the HTTP time-outs take 0 as "no limit" instead.
        if self.documents.body_idle_timeout_secs == 0 {
            found.push(Violation {
                setting: "documents.body_idle_timeout_secs".into(),
                reason: "must be more than 0: an upload that sends nothing for this long ends"
                    .into(),
            });
        }
        if self.documents.scrub.enabled && self.documents.scrub.bytes_per_second == 0 {
            found.push(Violation {
                setting: "documents.scrub.bytes_per_second".into(),
                reason: "must be more than 0 while the scrub is enabled".into(),
            });
        }
        if self.blobs.backend == BlobBackend::S3 && self.blobs.s3.is_none() {
            found.push(Violation {
                setting: "blobs.s3".into(),
                reason: "backend = \"s3\" needs a [blobs.s3] section with at least bucket".into(),
            });
        }
        if self.mail.backend == mail::MailBackend::Smtp && self.mail.smtp.is_none() {
            found.push(Violation {
                setting: "mail.smtp".into(),
                reason: "backend = \"smtp\" needs a [mail.smtp] section with host, port and tls"
                    .into(),
            });
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            found.push(Violation {
                setting: "mail.from".into(),
                reason: format!("'{}' is not an e-mail address", self.mail.from),
            });
        }
        if self
            .mail
            .reply_to
            .as_deref()
            .is_some_and(|r| r.parse::<lettre::message::Mailbox>().is_err())
        {
            found.push(Violation {
                setting: "mail.reply_to".into(),
                reason: "not an e-mail address".into(),
            });
        }
        for (name, provider) in &self.oidc.providers {
            if provider.kind == oidc::ProviderKind::Staff
                && provider
                    .municipality
                    .as_deref()
                    .is_none_or(|code| MunicipalityCode::parse(code).is_err())
            {
                found.push(Violation {
                    setting: format!("oidc.providers.{name}.municipality"),
                    reason: "a staff provider needs the code of its municipality (3 digits)".into(),
                });
            }
        }
        found.extend(self.scim.violations());
        found
    }

    /// The database URL: the configured one, or an SQLite file under the data directory.
    pub fn database_url(&self) -> String {
        use secrecy::ExposeSecret;
        match &self.database.url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("vejviser.db").display()
            ),
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail
            .folder
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.blobs
            .local_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }
}

#[cfg(test)]
mod tests;

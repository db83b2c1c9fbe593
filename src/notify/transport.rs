//! Where messages go: an SMTP server through lettre (STARTTLS or implicit TLS over rustls, with
//! authentication), or on the embedded default a folder of `.eml` files, one per message, named
//! by its id and written whole (temporary file, then rename) so a reader never sees half of one.
//! A failure says whether trying again can help: a 5xx reply is permanent, everything else (4xx,
//! a refused connection, a time-out, TLS) temporary.

use crate::config::Settings;
use crate::config::mail::{MailBackend, SmtpSettings, SmtpTls};
use crate::domain::ids::MessageId;
use anyhow::Context;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("temporary: {0}")]
    Temporary(String),
    #[error("permanent: {0}")]
    Permanent(String),
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Mailer::Smtp"),
            Self::Folder(dir) => write!(f, "Mailer::Folder({})", dir.display()),
        }
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match (settings.mail.backend, &settings.mail.smtp) {
            (MailBackend::Folder, _) => Ok(Self::Folder(settings.mail_dir())),
            (MailBackend::Smtp, Some(smtp)) => {
                let hello = settings
                    .server
                    .public_url()
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_else(|| "localhost".to_owned());
                Ok(Self::Smtp(smtp_transport(smtp, hello)?))
            }
            (MailBackend::Smtp, None) => anyhow::bail!("mail.smtp: missing"),
        }
    }

    /// Where messages go, for the log line at start-up.
    pub fn describe(&self, settings: &Settings) -> String {
        match (self, &settings.mail.smtp) {
            (Self::Folder(dir), _) => format!(".eml files in {}", dir.display()),
            (Self::Smtp(_), Some(smtp)) => format!("smtp://{}:{}", smtp.host, smtp.port),
            (Self::Smtp(_), None) => "smtp".to_owned(),
        }
    }

    pub async fn send(&self, id: MessageId, message: &Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(transport) => {
                transport
                    .send(message.clone())
                    .await
                    .map(|_| ())
                    .map_err(|e| {
                        if e.is_permanent() {
                            SendError::Permanent(e.to_string())
                        } else {
                            SendError::Temporary(e.to_string())
                        }
                    })
            }
            Self::Folder(dir) => write_eml(dir, id, &message.formatted())
                .await
                .map_err(|e| SendError::Temporary(format!("{}: {e}", dir.display()))),
        }
    }
}

fn smtp_transport(
    smtp: &SmtpSettings,
    hello: String,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
        .port(smtp.port)
        .hello_name(ClientId::Domain(hello))
        .timeout(Some(Duration::from_secs(smtp.timeout_secs)));
    let parameters = || -> anyhow::Result<TlsParameters> {
        let mut tls = TlsParameters::builder(smtp.host.clone());
        if let Some(path) = &smtp.ca_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("mail.smtp.ca_file: cannot read {}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .with_context(|| format!("mail.smtp.ca_file: {} is not PEM", path.display()))?;
            tls = tls.add_root_certificate(cert);
        }
        tls.build_rustls().context("mail.smtp: TLS set-up")
    };
    builder = builder.tls(match smtp.tls {
        SmtpTls::None => Tls::None,
        SmtpTls::Starttls => Tls::Required(parameters()?),
        SmtpTls::Implicit => Tls::Wrapper(parameters()?),
    });
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    Ok(builder.build())
}

async fn write_eml(dir: &std::path::Path, id: MessageId, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let temporary = dir.join(format!(".{id}.tmp"));
    let path = dir.join(format!("{id}.eml"));
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, &path).await?;
    tracing::info!(path = %path.display(), "mail written");
    Ok(())
}

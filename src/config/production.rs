//! What the production profile refuses: every setting that is only safe on a developer's machine.

use super::mail::{MailBackend, SmtpTls};
use super::{Settings, Violation};

pub(super) fn insecure_settings(settings: &Settings) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut refuse = |setting: &str, reason: &str| {
        found.push(Violation {
            setting: setting.to_owned(),
            reason: reason.to_owned(),
        });
    };
    for (name, provider) in &settings.oidc.providers {
        if !provider.issuer.starts_with("https://") {
            refuse(
                &format!("oidc.providers.{name}.issuer"),
                "must be an https URL in production (tokens and keys come from it)",
            );
        }
    }
    if settings.dev.identity_provider {
        refuse(
            "dev.identity_provider",
            "the built-in development identity provider must be off in production",
        );
    }
    if settings.dev.seed_demo {
        refuse(
            "dev.seed_demo",
            "demo data must not be seeded in production",
        );
    }
    if settings.dev.fixed_now.is_some() {
        refuse(
            "dev.fixed_now",
            "a fixed test clock must not be used in production",
        );
    }
    if settings.dev.skip_read_audit {
        refuse(
            "dev.skip_read_audit",
            "every read must leave its access-log row in production",
        );
    }
    if settings.crypto.master_keys.is_empty() && settings.crypto.master_keys_file.is_none() {
        refuse(
            "crypto.master_keys",
            "production needs a master key: set VEJVISER__CRYPTO__ACTIVE_MASTER_KEY=<id> and \
             VEJVISER__CRYPTO__MASTER_KEYS__<id>=<base64 of 32 random bytes>, or crypto.master_keys_file",
        );
    }
    if settings.crypto.active_master_key.is_none() {
        refuse(
            "crypto.active_master_key",
            "production needs the id of the master key in use",
        );
    }
    if settings.crypto.lookup_key.is_none() {
        refuse(
            "crypto.lookup_key",
            "production needs the CPR lookup key: set VEJVISER__CRYPTO__LOOKUP_KEY=<base64 of 32 random bytes>",
        );
    }
    if settings.crypto.generate_dev_master_key {
        refuse(
            "crypto.generate_dev_master_key",
            "master keys must come from configuration in production, not be generated",
        );
    }
    if !settings.session.secure_cookies {
        refuse(
            "session.secure_cookies",
            "cookies must be Secure (https only) in production",
        );
    }
    if settings
        .server
        .public_url()
        .is_ok_and(|url| url.scheme() != "https")
    {
        refuse("server.public_url", "must be an https URL in production");
    }
    if settings.database.url.is_none() {
        refuse(
            "database.url",
            "production needs a database URL (postgres://...): set VEJVISER__DATABASE__URL",
        );
    }
    match (settings.mail.backend, &settings.mail.smtp) {
        (MailBackend::Folder, _) => refuse(
            "mail.backend",
            "production sends mail by SMTP: set backend = \"smtp\" and [mail.smtp]",
        ),
        (MailBackend::Smtp, Some(smtp)) => {
            if smtp.tls == SmtpTls::None {
                refuse(
                    "mail.smtp.tls",
                    "mail must be encrypted in production: \"starttls\" or \"implicit\"",
                );
            }
            if smtp.username.is_none() || smtp.password.is_none() {
                refuse(
                    "mail.smtp.username",
                    "production authenticates to the SMTP server: set username and \
                     VEJVISER__MAIL__SMTP__PASSWORD",
                );
            }
        }
        (MailBackend::Smtp, None) => {}
    }
    if settings
        .mail
        .from
        .trim_end_matches('>')
        .ends_with(".invalid")
    {
        refuse(
            "mail.from",
            "production needs a real sender address: set VEJVISER__MAIL__FROM",
        );
    }
    found
}

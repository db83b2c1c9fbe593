//! The e-mail for one outbox message: subject, plain text and HTML from the templates in
//! `templates/mail/` (embedded at compile time) with the sentences of `i18n/`, in the
//! recipient's language. It says only that something changed in "a case you take part in" and
//! links to the case page: no names, no CPR, no titles, no attachment. The headers mark it as
//! automatic (`Auto-Submitted`) and point `List-Unsubscribe` at the notification settings.

use crate::config::mail::MailSettings;
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::notice_event::NoticeEvent;
use crate::i18n::{Catalogue, Lang, catalogue};
use askama::Template;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// Where the notification settings page is, relative to the public URL.
pub const SETTINGS_PATH: &str = "/me/notifications";

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("address not usable: {0}")]
    Address(String),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("message: {0}")]
    Build(#[from] lettre::error::Error),
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct TextBody<'a> {
    t: &'static Catalogue,
    body: &'a str,
    access: Option<&'a str>,
    case_url: &'a str,
    settings_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct HtmlBody<'a> {
    t: &'static Catalogue,
    lang: &'a str,
    subject: &'a str,
    body: &'a str,
    access: Option<&'a str>,
    case_url: &'a str,
    settings_url: &'a str,
}

/// What one message is about, and for whom.
pub struct Notice<'a> {
    pub id: MessageId,
    pub case_id: CaseId,
    pub event: NoticeEvent,
    /// `read` or `write` for the access events.
    pub detail: Option<&'a str>,
    pub to: &'a str,
    pub lang: Lang,
}

/// The message's stable `Message-ID`: the outbox row's id at the public host, so a resend after
/// a crash carries the same one.
pub fn message_id(id: MessageId, public_url: &url::Url) -> String {
    format!(
        "<{id}@{}>",
        public_url.host_str().unwrap_or("vejviser.invalid")
    )
}

pub fn compose(
    settings: &MailSettings,
    public_url: &url::Url,
    notice: &Notice<'_>,
) -> Result<Message, ComposeError> {
    let t = catalogue(notice.lang);
    let base = public_url.as_str().trim_end_matches('/');
    let case_url = format!("{base}/cases/{}", notice.case_id);
    let settings_url = format!("{base}{SETTINGS_PATH}");
    let subject = t.get(subject_key(notice.event));
    let body = t.get(body_key(notice.event));
    let access = notice.detail.and_then(access_key).map(|key| t.get(key));
    let text = TextBody {
        t,
        body,
        access,
        case_url: &case_url,
        settings_url: &settings_url,
    }
    .render()?;
    let html = HtmlBody {
        t,
        lang: notice.lang.code(),
        subject,
        body,
        access,
        case_url: &case_url,
        settings_url: &settings_url,
    }
    .render()?;
    let mailbox = |text: &str| {
        text.parse::<Mailbox>()
            .map_err(|e| ComposeError::Address(e.to_string()))
    };
    let from = mailbox(&settings.from)?;
    let reply_to = mailbox(settings.reply_to.as_deref().unwrap_or(&settings.from))?;
    let header = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    Ok(Message::builder()
        .from(from)
        .reply_to(reply_to)
        .to(mailbox(notice.to)?)
        .subject(subject)
        .message_id(Some(message_id(notice.id, public_url)))
        .raw_header(header("Auto-Submitted", "auto-generated".into()))
        .raw_header(header("X-Auto-Response-Suppress", "All".into()))
        .raw_header(header("List-Unsubscribe", format!("<{settings_url}>")))
        .raw_header(header(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".into(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))?)
}

fn subject_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::DocumentAdded => "mail.subject.document_added",
        NoticeEvent::DocumentVersion => "mail.subject.document_version",
        NoticeEvent::ParticipantAdded => "mail.subject.participant_added",
        NoticeEvent::AccessChanged => "mail.subject.access_changed",
        NoticeEvent::ConsentGiven => "mail.subject.consent_given",
        NoticeEvent::ConsentWithdrawn => "mail.subject.consent_withdrawn",
    }
}

fn body_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::DocumentAdded => "mail.body.document_added",
        NoticeEvent::DocumentVersion => "mail.body.document_version",
        NoticeEvent::ParticipantAdded => "mail.body.participant_added",
        NoticeEvent::AccessChanged => "mail.body.access_changed",
        NoticeEvent::ConsentGiven => "mail.body.consent_given",
        NoticeEvent::ConsentWithdrawn => "mail.body.consent_withdrawn",
    }
}

fn access_key(detail: &str) -> Option<&'static str> {
    match detail {
        "read" => Some("mail.access.read"),
        "write" => Some("mail.access.write"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::{Format, Toml};

    fn settings() -> crate::config::Settings {
        crate::config::Settings::load_with(
            crate::config::Profile::Development,
            None,
            Toml::string(""),
        )
        .expect("defaults load")
    }

    #[test]
    fn every_event_has_its_sentences_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            for event in NoticeEvent::ALL {
                assert!(catalogue(lang).has(subject_key(*event)), "{event} {lang:?}");
                assert!(catalogue(lang).has(body_key(*event)), "{event} {lang:?}");
            }
            assert!(catalogue(lang).has("mail.access.read"));
            assert!(catalogue(lang).has("mail.access.write"));
        }
    }

    #[test]
    fn a_message_links_the_case_and_the_settings_and_names_nobody() {
        let settings = settings();
        let url = url::Url::parse("https://vejviser.kommune.dk").unwrap();
        let id = MessageId::new();
        let case_id = CaseId::new();
        let notice = Notice {
            id,
            case_id,
            event: NoticeEvent::ParticipantAdded,
            detail: Some("write"),
            to: "someone@example.dk",
            lang: Lang::En,
        };
        let raw =
            String::from_utf8(compose(&settings.mail, &url, &notice).unwrap().formatted()).unwrap();
        assert!(raw.contains(&format!("Message-ID: <{id}@vejviser.kommune.dk>")));
        assert!(raw.contains("Subject: You have joined a case in vejviser"));
        assert!(raw.contains("Auto-Submitted: auto-generated"));
        assert!(raw.contains("List-Unsubscribe: <https://vejviser.kommune.dk/me/notifications>"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains(&format!("https://vejviser.kommune.dk/cases/{case_id}")));
        assert!(raw.contains("read and add the case's documents"));
        assert!(raw.contains("To: someone@example.dk"));
    }
}
